using Sim.Core.Spaces;
using Sim.Core.Statistics;
using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

public sealed class NormalizeObservationTests : IDisposable
{
    const int NumEnvs = 4;
    const int Size = CountingEnv.ObsSize;
    readonly string _dir = Path.Combine(Path.GetTempPath(), "sim-normobs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    static float[] Actions(int step)
    {
        var a = new float[NumEnvs * CountingEnv.ActSize];
        for (int i = 0; i < a.Length; i++) a[i] = ((step + i) % 3 - 1) * 0.5f;
        return a;
    }

    /// <summary>Mean and population variance per component, by the textbook two-pass formula.</summary>
    static (double[] Mean, double[] Var) TwoPass(List<float[]> rows)
    {
        var mean = new double[Size];
        var variance = new double[Size];
        foreach (var r in rows) for (int d = 0; d < Size; d++) mean[d] += r[d];
        for (int d = 0; d < Size; d++) mean[d] /= rows.Count;
        foreach (var r in rows) for (int d = 0; d < Size; d++) variance[d] += (r[d] - mean[d]) * (r[d] - mean[d]);
        for (int d = 0; d < Size; d++) variance[d] /= rows.Count;
        return (mean, variance);
    }

    static void AddRows(List<float[]> rows, ReadOnlySpan<float> batch)
    {
        for (int i = 0; i < NumEnvs; i++) rows.Add(batch.Slice(i * Size, Size).ToArray());
    }

    static float Expected(float x, double mean, double var, double clip = 10) =>
        (float)Math.Clamp((x - mean) / Math.Sqrt(var + 1e-8), -clip, clip);

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Statistics_and_outputs_match_a_two_pass_computation_over_every_returned_observation(AutoresetMode mode)
    {
        var inner = new CountingEnv(NumEnvs, mode);
        using var env = new NormalizeObservation(inner);
        var seen = new List<float[]>();
        env.Reset(seed: 3);
        AddRows(seen, inner.Observations);
        for (int step = 0; step < 60; step++)
        {
            env.Step(Actions(step));
            AddRows(seen, inner.Observations);
            var (mean, variance) = TwoPass(seen);
            Assert.Equal(seen.Count, env.Statistics.Count);
            for (int d = 0; d < Size; d++)
            {
                Assert.Equal(mean[d], env.Statistics.Mean[d], 1e-9);
                Assert.Equal(variance[d], env.Statistics.Variance[d], 1e-9);
            }
            for (int k = 0; k < NumEnvs * Size; k++)
                Assert.Equal(Expected(inner.Observations[k], mean[k % Size], variance[k % Size]), env.Observations[k], 1e-5f);
        }
        Assert.Equal(new Box(Size, -10f, 10f).ToString(), env.SingleObservationSpace.ToString());
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Final_observations_are_normalized_with_the_same_statistics(AutoresetMode mode)
    {
        var inner = new CountingEnv(NumEnvs, mode);
        using var env = new NormalizeObservation(inner);
        env.Reset(seed: 1);
        int ends = 0;
        for (int step = 0; step < 30; step++)
        {
            env.Step(Actions(step));
            for (int i = 0; i < NumEnvs; i++)
            {
                if (!env.Terminated[i]) continue;
                ends++;
                var row = new Range(i * Size, (i + 1) * Size);
                var expected = new float[Size];
                for (int d = 0; d < Size; d++)
                    expected[d] = Expected(inner.FinalObservations[row][d], env.Statistics.Mean[d], env.Statistics.Variance[d]);
                Assert.Equal(expected, env.FinalObservations[row].ToArray());
                if (mode == AutoresetMode.NextStep)
                    Assert.Equal(env.Observations[row].ToArray(), env.FinalObservations[row].ToArray());
                else
                    Assert.NotEqual(env.Observations[row].ToArray(), env.FinalObservations[row].ToArray());
            }
        }
        Assert.True(ends > 5);
    }

    [Fact]
    public void A_truncation_from_an_outer_time_limit_renormalizes_the_affected_rows()
    {
        var inner = new CountingEnv(NumEnvs, AutoresetMode.SameStep, baseLength: 0);
        var normalize = new NormalizeObservation(inner);
        using var env = new TimeLimit(normalize, maxEpisodeSteps: 2);
        env.Reset(seed: 0);
        env.Step(Actions(0));
        env.Step(Actions(1));
        for (int i = 0; i < NumEnvs; i++)
        {
            Assert.True(env.Truncated[i]);
            var row = new Range(i * Size, (i + 1) * Size);
            var final = new float[Size];
            var current = new float[Size];
            normalize.Normalize(inner.FinalObservations[row], final);
            normalize.Normalize(inner.Observations[row], current);
            Assert.Equal(final, env.FinalObservations[row].ToArray());
            Assert.Equal(current, env.Observations[row].ToArray());
        }
    }

    [Fact]
    public void Outputs_are_clipped_to_the_bound()
    {
        var inner = new CountingEnv(NumEnvs, AutoresetMode.NextStep);
        using var env = new NormalizeObservation(inner, clip: 2f) { Training = false };
        // A tiny spread makes every component far outside ±2 standard deviations except those equal to the mean.
        env.Statistics.Set(10, [1.5, 1.5, 1.5], [1e-6, 1e-6, 1e-6]);
        env.StatisticsChanged();
        env.Reset(seed: 0);
        env.Step(Actions(0));
        for (int k = 0; k < NumEnvs * Size; k++)
        {
            float raw = inner.Observations[k];
            Assert.Equal(raw > 1.5f ? 2f : -2f, env.Observations[k]);
        }
        Assert.Equal(new Box(Size, -2f, 2f).ToString(), env.SingleObservationSpace.ToString());
    }

    [Fact]
    public void Frozen_statistics_do_not_change()
    {
        using var env = new NormalizeObservation(new CountingEnv(NumEnvs, AutoresetMode.NextStep));
        env.Reset(seed: 0);
        env.Step(Actions(0));
        var mean = env.Statistics.Mean.ToArray();
        var variance = env.Statistics.Variance.ToArray();
        double count = env.Statistics.Count;
        env.Training = false;
        for (int step = 1; step < 10; step++) env.Step(Actions(step));
        env.Reset();
        Assert.Equal(count, env.Statistics.Count);
        Assert.Equal(mean, env.Statistics.Mean.ToArray());
        Assert.Equal(variance, env.Statistics.Variance.ToArray());
    }

    [Fact]
    public void Saved_and_loaded_statistics_give_identical_outputs()
    {
        string path = Path.Combine(_dir, "obs.stats");
        using var trained = new NormalizeObservation(new CountingEnv(NumEnvs, AutoresetMode.NextStep));
        trained.Reset(seed: 0);
        for (int step = 0; step < 25; step++) trained.Step(Actions(step));
        trained.Save(path);
        trained.Save(path); // overwriting an existing file is the common case
        Assert.Equal(["obs.stats"], Directory.GetFiles(_dir).Select(Path.GetFileName));

        using var restored = new NormalizeObservation(new CountingEnv(NumEnvs, AutoresetMode.NextStep)) { Training = false };
        restored.Load(path);
        trained.Training = false;
        Assert.Equal(trained.Statistics.Count, restored.Statistics.Count);
        Assert.Equal(trained.Statistics.Mean.ToArray(), restored.Statistics.Mean.ToArray());
        Assert.Equal(trained.Statistics.Variance.ToArray(), restored.Statistics.Variance.ToArray());

        trained.Reset(seed: 9);
        restored.Reset(seed: 9);
        for (int step = 0; step < 15; step++)
        {
            Assert.Equal(trained.Observations.ToArray(), restored.Observations.ToArray());
            trained.Step(Actions(step));
            restored.Step(Actions(step));
        }
    }

    [Fact]
    public void Corrupt_or_foreign_statistics_files_fail_with_a_message_naming_the_problem()
    {
        string path = Path.Combine(_dir, "obs.stats");
        using var env = new NormalizeObservation(new CountingEnv(NumEnvs, AutoresetMode.NextStep));
        env.Reset(seed: 0);
        env.Save(path);
        var good = File.ReadAllBytes(path);
        var before = env.Statistics.Mean.ToArray();

        void ExpectFailure(byte[] contents, string expected)
        {
            File.WriteAllBytes(path, contents);
            var e = Assert.Throws<InvalidDataException>(() => env.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains(expected, e.Message);
            Assert.Equal(before, env.Statistics.Mean.ToArray()); // a failed load leaves the statistics alone
        }

        var flipped = (byte[])good.Clone();
        flipped[^20] ^= 0x10;
        ExpectFailure(flipped, "checksum");
        ExpectFailure(good[..(good.Length - 5)], "truncated");
        ExpectFailure(good[..10], "truncated");
        ExpectFailure([.. good, 0], "corrupt");
        ExpectFailure("{\"mean\": [0]}"u8.ToArray(), "not a statistics file");
        var newer = (byte[])good.Clone();
        newer[8] = 2;
        ExpectFailure(newer, "version 2");

        var rewardStats = new RunningMeanStd(1);
        RunningStatsFile.Save(path, NormalizeReward.StatisticsKind, rewardStats);
        var wrongKind = Assert.Throws<InvalidDataException>(() => env.Load(path));
        Assert.Contains("holds return statistics, expected observation statistics", wrongKind.Message);

        var otherSize = new RunningMeanStd(Size + 2);
        RunningStatsFile.Save(path, NormalizeObservation.StatisticsKind, otherSize);
        var wrongSize = Assert.Throws<InvalidDataException>(() => env.Load(path));
        Assert.Contains($"{Size + 2} components, expected {Size}", wrongSize.Message);

        var missing = Path.Combine(_dir, "missing.stats");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => env.Load(missing)).Message);
    }
}
