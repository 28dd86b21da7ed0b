#:project ../src/Sim.Rewards.Robot/Sim.Rewards.Robot.csproj

// How much REED's dynamics pre-training helps a reward model learn from few labels, measured without RL in between:
// the labelled pairs of a finished preference run's labels.db are split into a test set and a training pool; for each
// label budget N the first N pool pairs (in the order they were asked) train a PEBBLE reward ensemble, with and without
// REED's phase on the transitions of every stored segment; the table gives held-out accuracy on the test pairs and the
// correlation of learned and true step rewards on the test segments, over several model seeds.
//
// Run: dotnet run demos/reed_label_efficiency.cs -- runs/reed/HalfCheetah-v1__pref__500__s1/<run>/labels.db [test pairs] [seeds]
using System.Globalization;
using Sim.Foundation;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Dynamics;
using Sim.Rewards.Normalization;
using TorchSharp;

if (args.Length < 1) { Console.Error.WriteLine("usage: reed_label_efficiency.cs <labels.db> [test pairs = 200] [seeds = 3]"); return 2; }
string path = args[0];
int testPairs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
int seeds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
int[] budgets = [25, 50, 100, 200];
torch.set_num_threads(1);

// ================================================================ data: labels, a fixed test split, every segment's transitions
List<LabeledPair<Segment>> labels;
using (var store = SegmentCodec.OpenStoreReadOnly(path)) labels = store.GetLabeledPairs().Where(l => l.Label != PreferenceLabel.Skip).ToList();
var order = Enumerable.Range(0, labels.Count).ToArray();
var split = new SimRandom(SeedDerivation.Derive(1, "reed-demo-split"));
split.Shuffle<int>(order);
var test = order.Take(testPairs).Select(i => labels[i]).ToList();
var pool = order.Skip(testPairs).Order().Select(i => labels[i]).ToList(); // asked order
var segments = labels.SelectMany(l => new[] { l.Pair.Left, l.Pair.Right }).ToList();
var transitions = new SegmentTransitions(segments);
int obs = segments[0].ObservationSize, act = segments[0].ActionSize;
Console.WriteLine($"{labels.Count} labels ({pool.Count} in the pool, {test.Count} test pairs), {transitions.TransitionCount} transitions, obs {obs}, act {act}");

// ================================================================ variants
var variants = new (string Name, DynamicsPretrainingOptions? Reed)[]
{
    ("no REED", null),
    ("REED simsiam", new DynamicsPretrainingOptions()),
    ("REED contrastive", new DynamicsPretrainingOptions { Objective = DynamicsObjectiveKind.Contrastive }),
    ("REED simsiam, 64/32 embeddings", new DynamicsPretrainingOptions { Encoder = new DynamicsEncoderConfig(64, 32, 64, 128) }),
};

Console.WriteLine("| variant | labels | held-out acc. (mean ± sd) | reward corr. (mean ± sd) |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (int n in budgets.Where(b => b <= pool.Count))
    foreach (var (name, reed) in variants)
    {
        var accuracy = new List<double>();
        var correlation = new List<double>();
        for (int s = 1; s <= seeds; s++)
        {
            var config = RobotRewardModelConfig.Pebble(obs, act, SeedDerivation.Derive((ulong)s, "reward-model")) with
            {
                Normalization = RewardNormalization.UnitMean,
                Dynamics = reed?.Encoder,
            };
            config = config with { Encoder = config.Encoder with { TanhOutput = false } };
            using var model = new RobotRewardModel(config);
            if (reed is not null)
            {
                using var pretrainer = new DynamicsPretrainer(reed, config.Encoder, SeedDerivation.Derive((ulong)s, "reed"));
                pretrainer.Train(transitions);
                pretrainer.CopyEncodersInto(model.Ensemble.Members);
            }
            var report = model.Train(pool.Take(n).ToList(), test);
            accuracy.Add(report.HeldOutAccuracy ?? double.NaN);
            correlation.Add(Correlation(model, test));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {n} | {accuracy.Average():0.000} ± {Sd(accuracy):0.000} | {correlation.Average():0.00} ± {Sd(correlation):0.00} |"));
    }
return 0;

static double Sd(List<double> values)
{
    double mean = values.Average();
    return values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
}

// Pearson correlation of the learned and the true step reward over the test pairs' segments.
static double Correlation(RobotRewardModel model, List<LabeledPair<Segment>> pairs)
{
    var all = pairs.SelectMany(p => new[] { p.Pair.Left, p.Pair.Right }).ToList();
    var o = all.SelectMany(s => s.Observations).ToArray();
    var a = all.SelectMany(s => s.Actions).ToArray();
    var truth = all.SelectMany(s => s.TrueRewards).ToArray();
    var learned = new float[truth.Length];
    model.Rewards(o, a, learned);
    double mx = learned.Average(v => (double)v), my = truth.Average(v => (double)v), sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < truth.Length; i++) { sxy += (learned[i] - mx) * (truth[i] - my); sxx += (learned[i] - mx) * (learned[i] - mx); syy += (truth[i] - my) * (truth[i] - my); }
    return sxy / Math.Sqrt(sxx * syy);
}

/// <summary>The consecutive steps inside each segment as transitions (s, a, s′).</summary>
sealed class SegmentTransitions(List<Segment> segments) : ITransitionSource
{
    public int ObservationSize => segments[0].ObservationSize;
    public int ActionSize => segments[0].ActionSize;
    public int TransitionCount => segments.Sum(s => s.Length - 1);

    public void CopyTransitions(Span<float> states, Span<float> actions, Span<float> nextStates)
    {
        int row = 0, o = ObservationSize, a = ActionSize;
        foreach (var s in segments)
        {
            int rows = s.Length - 1;
            s.Observations.AsSpan(0, rows * o).CopyTo(states[(row * o)..]);
            s.Actions.AsSpan(0, rows * a).CopyTo(actions[(row * a)..]);
            s.Observations.AsSpan(o, rows * o).CopyTo(nextStates[(row * o)..]);
            row += rows;
        }
    }
}
