using static TorchSharp.torch;

namespace Sim.Rewards.Models;

/// <summary>Runs a per-member preference prediction over candidate pairs in chunks of <see cref="RewardModel{TItem}.PredictionChunk"/>,
/// which bounds memory for large candidate pools, and lays the results out member-major as
/// <see cref="Queries.IPreferencePredictor{TItem}"/> asks.</summary>
internal static class ChunkedPairPrediction
{
    /// <summary>Writes <paramref name="predict"/>'s <c>[K, chunk]</c> probabilities for every pair to <paramref name="probabilities"/>
    /// (<c>K × pairs</c>), after checking the counts.</summary>
    public static void Predict<TItem>(IItemCollator<TItem> collator, Device device, int members, IReadOnlyList<TItem> left, IReadOnlyList<TItem> right,
        Span<float> probabilities, Func<ItemBatch, ItemBatch, Tensor> predict)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        int pairs = left.Count;
        if (right.Count != pairs) throw new ArgumentException($"{left.Count} left and {right.Count} right items: expected as many of each", nameof(right));
        if (probabilities.Length != members * pairs)
            throw new ArgumentException($"probabilities has {probabilities.Length} values: expected {members} members × {pairs} pairs", nameof(probabilities));
        int chunkSize = RewardModel<TItem>.PredictionChunk;
        var chunk = new float[members * Math.Min(pairs, chunkSize)];
        for (int start = 0; start < pairs; start += chunkSize)
        {
            int count = Math.Min(chunkSize, pairs - start);
            using var scope = NewDisposeScope();
            var leftBatch = collator.Collate(Slice(left, start, count), device);
            var rightBatch = collator.Collate(Slice(right, start, count), device);
            var result = chunk.AsSpan(0, members * count);
            RewardModel<TItem>.CopyToHost(predict(leftBatch, rightBatch), result);
            for (int m = 0; m < members; m++)
                result.Slice(m * count, count).CopyTo(probabilities.Slice(m * pairs + start, count));
        }
    }

    /// <summary>Items <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1, as a list to collate.</summary>
    public static List<TItem> Slice<TItem>(IReadOnlyList<TItem> items, int start, int count)
    {
        var slice = new List<TItem>(count);
        for (int i = start; i < start + count; i++) slice.Add(items[i]);
        return slice;
    }
}
