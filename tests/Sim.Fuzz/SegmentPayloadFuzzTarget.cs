using Sim.Rewards.Robot;

namespace Sim.Fuzz;

/// <summary>Fuzzes the label store's segment payload decoder, the bytes behind every stored pair's segments.</summary>
public sealed class SegmentPayloadFuzzTarget : FuzzTarget
{
    /// <inheritdoc />
    public override string Name => "segment-payload";

    /// <inheritdoc />
    public override string DocumentedRejection => nameof(InvalidDataException);

    /// <inheritdoc />
    public override IReadOnlyList<FuzzSeed> Seeds() =>
    [
        new("with-physics.bin", SegmentCodec.Instance.Encode(Sample(length: 3, physics: 4))),
        new("without-physics.bin", SegmentCodec.Instance.Encode(Sample(length: 1, physics: 0))),
    ];

    static Segment Sample(int length, int physics)
    {
        const int obs = 3, act = 2;
        return new Segment
        {
            Source = "run:1",
            EnvId = "Hopper-v1",
            Episode = 4,
            StartStep = 10,
            Length = length,
            ObservationSize = obs,
            ActionSize = act,
            Observations = Enumerable.Range(0, length * obs).Select(i => i * 0.5f).ToArray(),
            Actions = Enumerable.Range(0, length * act).Select(i => -i * 0.25f).ToArray(),
            TrueRewards = Enumerable.Range(0, length).Select(i => (float)i).ToArray(),
            PhysicsStateSize = physics,
            PhysicsStates = Enumerable.Range(0, length * physics).Select(i => i * 0.01).ToArray(),
        };
    }

    /// <inheritdoc />
    protected override void Load(byte[] input) => SegmentCodec.Instance.Decode(input);

    /// <inheritdoc />
    protected override bool IsDocumentedRejection(Exception e) => e is InvalidDataException;
}
