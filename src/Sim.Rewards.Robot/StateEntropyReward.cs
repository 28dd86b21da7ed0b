using Sim.Torch;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot;

/// <summary>PEBBLE's unsupervised exploration bonus: a particle estimate of state entropy, the distance from each state
/// to its k-th nearest neighbour among the states seen so far, divided by a running standard deviation of that distance.</summary>
/// <remarks>
/// The neighbour rank counts the state itself when it is in the reference set (as the replay buffer's states are), so
/// the default rank 6 is the 5th nearest other state, as PEBBLE computes it. The running statistics stay on the
/// device and are updated with each batch, so computing the bonus never waits for the device.
/// </remarks>
public sealed class StateEntropyReward : IDisposable
{
    readonly Tensor _count;
    readonly Tensor _mean;
    readonly Tensor _m2;
    readonly Scalar _epsilon = 1e-8.ToScalar();
    bool _disposed;

    /// <summary>A bonus that uses the <paramref name="rank"/>-th nearest reference state, with statistics on <paramref name="device"/>.</summary>
    public StateEntropyReward(Device device, int rank = 6)
    {
        if (rank < 1) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank = {rank}: expected at least 1 (the nearest neighbour)");
        Rank = rank;
        Device = device;
        _count = zeros(1, ScalarType.Float64, device);
        _mean = zeros(1, ScalarType.Float64, device);
        _m2 = zeros(1, ScalarType.Float64, device);
    }

    /// <summary>Which nearest neighbour's distance is the entropy estimate (1 = the nearest).</summary>
    public int Rank { get; }

    /// <summary>Where the statistics live; states must be on this device.</summary>
    public Device Device { get; }

    /// <summary>Distances <c>[B]</c> from each of <paramref name="states"/> <c>[B, D]</c> to its <see cref="Rank"/>-th nearest
    /// row of <paramref name="reference"/> <c>[N, D]</c> (N ≥ rank), computed in chunks of reference rows so memory stays bounded.</summary>
    public Tensor Distances(Tensor states, Tensor reference, int chunkRows = 8192)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(reference);
        if (states.dim() != 2 || reference.dim() != 2 || states.shape[1] != reference.shape[1])
            throw new ArgumentException($"states [{string.Join(", ", states.shape)}] and reference [{string.Join(", ", reference.shape)}]: expected [B, D] and [N, D] with the same D");
        long n = reference.shape[0];
        if (n < Rank) throw new ArgumentException($"the reference set has {n} states: expected at least rank = {Rank}", nameof(reference));
        using var scope = NewDisposeScope();
        // Keep the Rank smallest distances seen so far, merging chunk by chunk.
        Tensor? best = null;
        for (long start = 0; start < n; start += chunkRows)
        {
            long rows = Math.Min(chunkRows, n - start);
            var chunk = reference.narrow(0, start, rows);
            var distances = cdist(states, chunk);
            var candidates = best is null ? distances : cat(new[] { best, distances }, 1);
            int keep = (int)Math.Min(Rank, candidates.shape[1]);
            best = candidates.topk(keep, dim: 1, largest: false, sorted: true).values;
        }
        return best!.select(1, Rank - 1).MoveToOuterDisposeScope();
    }

    /// <summary>The normalised bonus <c>[B]</c> for <paramref name="states"/>: <see cref="Distances"/> divided by the running
    /// standard deviation of all distances seen so far, this batch included.</summary>
    public Tensor Compute(Tensor states, Tensor reference)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        var distances = Distances(states, reference);
        Update(distances.to(ScalarType.Float64));
        var std = RunningStd();
        return distances.div(std.to(distances.dtype).add(_epsilon, One)).MoveToOuterDisposeScope();
    }

    /// <summary>The running standard deviation of the distances (population form), shape <c>[1]</c>.</summary>
    public Tensor RunningStd()
    {
        using var scope = NewDisposeScope();
        return _m2.div(_count.clamp_min(One)).sqrt().MoveToOuterDisposeScope();
    }

    // Chan et al.'s parallel update of count, mean and sum of squared deviations with a whole batch.
    void Update(Tensor batch)
    {
        using var scope = NewDisposeScope();
        using var batchCount = batch.shape[0].ToScalar();
        var batchMean = batch.mean();
        var batchM2 = batch.sub(batchMean).pow(Two).sum();
        var total = _count.add(batchCount, One);
        var delta = batchMean.sub(_mean);
        var newMean = _mean.add(delta.mul(batchCount).div(total), One);
        var newM2 = _m2.add(batchM2, One).add(delta.pow(Two).mul(_count).mul(batchCount).div(total), One);
        using (no_grad())
        {
            _mean.copy_(newMean);
            _m2.copy_(newM2);
            _count.copy_(total);
        }
    }

    /// <summary>The running statistics of the k-th neighbour distances (count, mean, sum of squared deviations), to save
    /// with a checkpoint.</summary>
    public (double Count, double Mean, double SquaredDeviations) GetStatistics()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        var values = cat(new[] { _count, _mean, _m2 }).cpu().data<double>().ToArray();
        return (values[0], values[1], values[2]);
    }

    /// <summary>Restores statistics returned by <see cref="GetStatistics"/>.</summary>
    public void SetStatistics(double count, double mean, double squaredDeviations)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!(count >= 0) || !double.IsFinite(count) || !double.IsFinite(mean) || !(squaredDeviations >= 0) || !double.IsFinite(squaredDeviations))
            throw new ArgumentOutOfRangeException(nameof(count), $"statistics (count {count}, mean {mean}, squared deviations {squaredDeviations}): expected a count and squared deviations >= 0, all finite");
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            _count.copy_(tensor(new[] { count }).to(Device));
            _mean.copy_(tensor(new[] { mean }).to(Device));
            _m2.copy_(tensor(new[] { squaredDeviations }).to(Device));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _count.Dispose();
        _mean.Dispose();
        _m2.Dispose();
        _epsilon.Dispose();
    }
}
