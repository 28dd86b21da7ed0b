using System.Numerics;

namespace Sim.Core.Statistics;

/// <summary>Per-dimension running mean and population variance of a stream of vectors, merged batch by batch.</summary>
/// <remarks>
/// Batches are folded in with Chan et al.'s parallel update: each batch's own mean and variance are
/// computed in two passes, then combined with the running moments. Everything is double precision, so
/// millions of float samples do not drift. Unlike Gymnasium's RunningMeanStd (which starts from a
/// pseudo-count of 1e-4), the count starts at 0: after any number of updates the moments equal the exact
/// statistics of all samples seen. Before the first update the variance is 1 and the mean 0, so a
/// normalizer passes values through unchanged.
/// </remarks>
public sealed class RunningMeanStd
{
    readonly double[] _mean;
    readonly double[] _variance;
    readonly double[] _batchMean;
    readonly double[] _batchVariance;

    /// <summary>Statistics of vectors with <paramref name="size"/> components.</summary>
    public RunningMeanStd(int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "expected at least one component");
        Size = size;
        _mean = new double[size];
        _variance = new double[size];
        _batchMean = new double[size];
        _batchVariance = new double[size];
        Clear();
    }

    /// <summary>Components per sample.</summary>
    public int Size { get; }

    /// <summary>Samples folded in so far.</summary>
    public double Count { get; private set; }

    /// <summary>Running mean of each component.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Running population variance (divided by the count, as numpy's var) of each component.</summary>
    public ReadOnlySpan<double> Variance => _variance;

    /// <summary>Forgets every sample: mean 0, variance 1, count 0.</summary>
    public void Clear()
    {
        Array.Clear(_mean);
        Array.Fill(_variance, 1.0);
        Count = 0;
    }

    /// <summary>Folds in a batch of samples laid out as rows of <see cref="Size"/> components.</summary>
    public void Update(ReadOnlySpan<float> rows) => UpdateRows(rows);

    /// <inheritdoc cref="Update(ReadOnlySpan{float})"/>
    public void Update(ReadOnlySpan<double> rows) => UpdateRows(rows);

    void UpdateRows<T>(ReadOnlySpan<T> rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows.Length % Size != 0)
            throw new ArgumentException($"batch has {rows.Length} values, expected a whole number of rows of {Size}", nameof(rows));
        int count = rows.Length / Size;
        if (count == 0) return;
        Array.Clear(_batchMean);
        Array.Clear(_batchVariance);
        for (int r = 0; r < count; r++)
        {
            var row = rows.Slice(r * Size, Size);
            for (int d = 0; d < Size; d++) _batchMean[d] += double.CreateTruncating(row[d]);
        }
        for (int d = 0; d < Size; d++) _batchMean[d] /= count;
        // A second pass over the batch avoids the cancellation of sum(x²) − n·mean².
        for (int r = 0; r < count; r++)
        {
            var row = rows.Slice(r * Size, Size);
            for (int d = 0; d < Size; d++)
            {
                double deviation = double.CreateTruncating(row[d]) - _batchMean[d];
                _batchVariance[d] += deviation * deviation;
            }
        }
        for (int d = 0; d < Size; d++) _batchVariance[d] /= count;
        Combine(_batchMean, _batchVariance, count);
    }

    /// <summary>Merges the moments of another set of <paramref name="count"/> samples (Chan et al.'s parallel formula).</summary>
    public void Combine(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, double count)
    {
        if (mean.Length != Size || variance.Length != Size)
            throw new ArgumentException($"moments have sizes {mean.Length} and {variance.Length}, expected {Size}");
        if (!(count >= 0) || double.IsInfinity(count))
            throw new ArgumentOutOfRangeException(nameof(count), count, "expected a finite count >= 0");
        if (count == 0) return;
        double total = Count + count;
        double weight = count / total;
        double cross = Count * count / total;
        for (int d = 0; d < Size; d++)
        {
            double delta = mean[d] - _mean[d];
            double m2 = _variance[d] * Count + variance[d] * count + delta * delta * cross;
            _mean[d] += delta * weight;
            _variance[d] = m2 / total;
        }
        Count = total;
    }

    /// <summary>Writes the size, count, mean and variance exactly, e.g. inside an env state.</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Size);
        writer.Write(Count);
        writer.WriteArray<double>(_mean);
        writer.WriteArray<double>(_variance);
    }

    /// <summary>Replaces the statistics with ones written by <see cref="Write"/>; <paramref name="what"/> names them in errors.</summary>
    public void Read(BinaryReader reader, string what)
    {
        ArgumentNullException.ThrowIfNull(reader);
        reader.ExpectInt32(Size, $"{what} size");
        double count = reader.ReadDouble();
        var mean = new double[Size];
        var variance = new double[Size];
        reader.ReadArray<double>(mean, $"{what} mean");
        reader.ReadArray<double>(variance, $"{what} variance");
        try
        {
            Set(count, mean, variance);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{what}: {e.Message}", e);
        }
    }

    /// <summary>Replaces the statistics with saved ones, after checking they are well formed.</summary>
    public void Set(double count, ReadOnlySpan<double> mean, ReadOnlySpan<double> variance)
    {
        if (mean.Length != Size || variance.Length != Size)
            throw new ArgumentException($"moments have sizes {mean.Length} and {variance.Length}, expected {Size}");
        if (!(count >= 0) || double.IsInfinity(count))
            throw new ArgumentOutOfRangeException(nameof(count), count, "expected a finite count >= 0");
        for (int d = 0; d < Size; d++)
        {
            if (!double.IsFinite(mean[d])) throw new ArgumentException($"mean[{d}] = {mean[d]}: expected a finite value", nameof(mean));
            if (!(variance[d] >= 0) || double.IsInfinity(variance[d]))
                throw new ArgumentException($"variance[{d}] = {variance[d]}: expected a finite value >= 0", nameof(variance));
        }
        mean.CopyTo(_mean);
        variance.CopyTo(_variance);
        Count = count;
    }
}
