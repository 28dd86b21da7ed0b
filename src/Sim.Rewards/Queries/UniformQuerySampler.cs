using Sim.Foundation;

namespace Sim.Rewards.Queries;

/// <summary>Asks about random pairs; PEBBLE's first round always uses it, since no reward model exists yet.</summary>
public sealed class UniformQuerySampler<TItem> : IQuerySampler<TItem>
{
    /// <inheritdoc/>
    public string Name => "uniform";

    /// <inheritdoc/>
    public IReadOnlyList<ItemPair<TItem>> Select(IItemSource<TItem> source, int count, ref SimRandom random)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count is {count}: expected >= 0");
        var pairs = new ItemPair<TItem>[count];
        for (int i = 0; i < count; i++)
        {
            var left = source.Sample(ref random);
            pairs[i] = new ItemPair<TItem>(left, source.Sample(ref random));
        }
        return pairs;
    }
}
