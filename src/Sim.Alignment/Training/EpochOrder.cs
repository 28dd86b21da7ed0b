using Sim.Foundation;

namespace Sim.Alignment.Training;

/// <summary>The order a trainer visits its examples in: a fresh shuffle per epoch, derived from the seed and the epoch
/// number alone, so a run resumed at any step visits exactly the batches the uninterrupted run would.</summary>
public sealed class EpochOrder
{
    private readonly ulong _seed;
    private readonly int _count;
    private readonly int _batchSize;
    private int _epoch = -1;
    private int[] _order = [];

    /// <summary>The order of <paramref name="count"/> examples in batches of <paramref name="batchSize"/>, shuffled from
    /// the stream <paramref name="streamName"/> of <paramref name="seed"/>.</summary>
    public EpochOrder(ulong seed, string streamName, int count, int batchSize)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "no examples to train on: expected at least one");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize = {batchSize}: expected at least 1");
        _seed = SeedDerivation.Derive(seed, streamName);
        _count = count;
        _batchSize = batchSize;
        BatchesPerEpoch = (count + batchSize - 1) / batchSize;
    }

    /// <summary>Batches in one epoch; the last may be smaller.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The epoch that step <paramref name="step"/> (counted from 0) falls in.</summary>
    public int EpochOf(long step) => (int)(step / BatchesPerEpoch);

    /// <summary>The example indices of step <paramref name="step"/>'s batch.</summary>
    public ReadOnlySpan<int> Batch(long step)
    {
        int epoch = EpochOf(step);
        if (epoch != _epoch)
        {
            _order = Enumerable.Range(0, _count).ToArray();
            var random = new SimRandom(SeedDerivation.Derive(_seed, (ulong)epoch));
            for (int i = _order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
            _epoch = epoch;
        }
        int start = (int)(step % BatchesPerEpoch) * _batchSize;
        return _order.AsSpan(start, Math.Min(_batchSize, _count - start));
    }
}
