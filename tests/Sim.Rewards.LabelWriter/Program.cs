using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot;

// Adds a pair and labels it, over and over, printing "<pair id> <label>" after each label is acknowledged, until the
// process is killed (or, with a count, until that many labels are written). The kill test checks that every printed
// label survived.
if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: Sim.Rewards.LabelWriter <store path> <labeler id> [label count]");
    return 2;
}
string path = args[0];
string labeler = args[1];
long limit = long.MaxValue;
if (args.Length == 3 && (!long.TryParse(args[2], out limit) || limit < 0))
{
    Console.Error.WriteLine($"label count '{args[2]}' is not valid: expected a whole number >= 0");
    return 2;
}

using var store = SegmentCodec.OpenStore(path);
for (long i = 0; i < limit; i++)
{
    var pair = new ItemPair<Segment>(MakeSegment(i, 0), MakeSegment(i, 1));
    var stored = store.AddPairs([pair], new PairProvenance(0, "kill-test"))[0];
    var label = (PreferenceLabel)(stored.Id % 3);
    store.RecordLabel(stored.Id, label, labeler);
    Console.Out.WriteLine($"{stored.Id} {(int)label}");
    Console.Out.Flush();
}
return 0;

static Segment MakeSegment(long episode, int side) => new()
{
    Source = "label-writer",
    EnvId = "Test-v0",
    Episode = episode,
    StartStep = side,
    Length = 4,
    ObservationSize = 2,
    ActionSize = 1,
    Observations = [0, 1, 2, 3, 4, 5, 6, 7],
    Actions = [0.5f, -0.5f, 0.25f, -0.25f],
    TrueRewards = [side, 1, 2, 3],
    PhysicsStateSize = 1,
    PhysicsStates = [0.0, 0.01, 0.02, 0.03],
};
