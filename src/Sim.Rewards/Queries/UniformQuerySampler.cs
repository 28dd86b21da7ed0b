using Sim.Foundation;
using Sim.Rewards.Segments;

namespace Sim.Rewards.Queries;

/// <summary>Asks about random pairs; PEBBLE's first round always uses it, since no reward model exists yet.</summary>
public sealed class UniformQuerySampler : IQuerySampler
{
    /// <inheritdoc/>
    public string Name => "uniform";

    /// <inheritdoc/>
    public IReadOnlyList<SegmentPair> Select(ISegmentSource source, int count, ref SimRandom random)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count is {count}: expected >= 0");
        var pairs = new SegmentPair[count];
        for (int i = 0; i < count; i++)
        {
            var left = source.SampleSegment(ref random);
            pairs[i] = new SegmentPair(left, source.SampleSegment(ref random));
        }
        return pairs;
    }
}
