using Sim.Core.Statistics;

namespace Sim.Core.Tests.Statistics;

public class RunningMeanStdTests
{
    /// <summary>Mean and population variance of component d over all rows, by two passes.</summary>
    static (double Mean, double Var) TwoPass(IReadOnlyList<double[]> rows, int d)
    {
        double mean = rows.Average(r => r[d]);
        return (mean, rows.Sum(r => (r[d] - mean) * (r[d] - mean)) / rows.Count);
    }

    [Fact]
    public void Starts_as_the_identity_normalization()
    {
        var stats = new RunningMeanStd(2);
        Assert.Equal(0, stats.Count);
        Assert.Equal([0.0, 0.0], stats.Mean.ToArray());
        Assert.Equal([1.0, 1.0], stats.Variance.ToArray());
    }

    [Fact]
    public void Batches_of_any_size_give_the_statistics_of_all_samples()
    {
        // A large offset with a small spread would lose most digits in a naive sum of squares.
        var rng = new System.Random(5);
        var stats = new RunningMeanStd(2);
        var all = new List<double[]>();
        foreach (int batch in new[] { 1, 7, 1, 64, 3, 200 })
        {
            var rows = new double[batch * 2];
            for (int r = 0; r < batch; r++)
            {
                rows[r * 2] = 1e6 + rng.NextDouble();
                rows[r * 2 + 1] = -3 + 10 * rng.NextDouble();
                all.Add([rows[r * 2], rows[r * 2 + 1]]);
            }
            stats.Update(rows);
            Assert.Equal(all.Count, stats.Count);
            for (int d = 0; d < 2; d++)
            {
                var (mean, variance) = TwoPass(all, d);
                Assert.Equal(mean, stats.Mean[d], 1e-9);
                Assert.Equal(variance, stats.Variance[d], 1e-9 * Math.Max(1, variance));
            }
        }
    }

    [Fact]
    public void Combining_two_halves_equals_updating_with_the_whole()
    {
        float[] first = [1, 2, 3, 4, 5, 6], second = [-1, 0.5f, 7, 7];
        var whole = new RunningMeanStd(2);
        whole.Update([.. first, .. second]);
        var a = new RunningMeanStd(2);
        var b = new RunningMeanStd(2);
        a.Update(first);
        b.Update(second);
        a.Combine(b.Mean, b.Variance, b.Count);
        Assert.Equal(whole.Count, a.Count);
        for (int d = 0; d < 2; d++)
        {
            Assert.Equal(whole.Mean[d], a.Mean[d], 1e-12);
            Assert.Equal(whole.Variance[d], a.Variance[d], 1e-12);
        }
        // Hand computed: component 0 is {1, 3, 5, −1, 7}: mean 3, variance (4 + 0 + 4 + 16 + 16) / 5 = 8.
        Assert.Equal(3.0, whole.Mean[0], 12);
        Assert.Equal(8.0, whole.Variance[0], 12);
    }

    [Fact]
    public void Ragged_batches_and_invalid_restored_values_are_refused()
    {
        var stats = new RunningMeanStd(3);
        Assert.Contains("whole number of rows of 3", Assert.Throws<ArgumentException>(() => stats.Update(new float[4])).Message);
        Assert.Contains("variance[1] = -1", Assert.Throws<ArgumentException>(() => stats.Set(2, [0, 0, 0], [1, -1, 1])).Message);
        Assert.Contains("mean[2] = NaN", Assert.Throws<ArgumentException>(() => stats.Set(2, [0, 0, double.NaN], [1, 1, 1])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => stats.Set(-1, [0, 0, 0], [1, 1, 1]));
    }

    [Fact]
    public void Stream_round_trip_restores_identical_statistics()
    {
        var stats = new RunningMeanStd(2);
        stats.Update([0.1f, 5f, 0.7f, -2f, 3.3f, 1f]);
        using var buffer = new MemoryStream();
        RunningStatsFile.Write(buffer, "observation", stats);
        buffer.Position = 0;
        var restored = new RunningMeanStd(2);
        RunningStatsFile.Read(buffer, "checkpoint", "observation", restored);
        Assert.Equal(stats.Count, restored.Count);
        Assert.Equal(stats.Mean.ToArray(), restored.Mean.ToArray());
        Assert.Equal(stats.Variance.ToArray(), restored.Variance.ToArray());
    }
}
