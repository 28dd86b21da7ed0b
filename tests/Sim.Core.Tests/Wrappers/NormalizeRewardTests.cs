using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

public sealed class NormalizeRewardTests : IDisposable
{
    const int NumEnvs = 3;
    readonly string _dir = Path.Combine(Path.GetTempPath(), "sim-normrew-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    static float[] Actions(int step)
    {
        var a = new float[NumEnvs * CountingEnv.ActSize];
        for (int i = 0; i < NumEnvs; i++) a[i * CountingEnv.ActSize] = ((step * 7 + i * 3) % 9 - 4) * 0.25f;
        return a;
    }

    /// <summary>The wrapper's formula written out independently: G ← G·γ·(1 − done) + r, the population
    /// variance of every G seen (two passes over the full history), then clip(r / sqrt(var + ε), ±clip).</summary>
    sealed class Reference(double gamma, double clip)
    {
        readonly double[] _g = new double[NumEnvs];
        readonly List<double> _history = [];

        public float[] Step(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated)
        {
            for (int i = 0; i < NumEnvs; i++)
            {
                _g[i] = (terminated[i] || truncated[i] ? 0 : _g[i] * gamma) + rewards[i];
                _history.Add(_g[i]);
            }
            double mean = _history.Average();
            double variance = _history.Sum(g => (g - mean) * (g - mean)) / _history.Count;
            var normalized = new float[NumEnvs];
            for (int i = 0; i < NumEnvs; i++) normalized[i] = (float)Math.Clamp(rewards[i] / Math.Sqrt(variance + 1e-8), -clip, clip);
            return normalized;
        }
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Matches_an_independent_implementation_across_terminations_and_truncations(AutoresetMode mode)
    {
        // Env 0 terminates after 3 steps, env 1 after 4; env 2 (5 steps) is truncated by the limit of 4.
        var limited = new TimeLimit(new CountingEnv(NumEnvs, mode, baseLength: 3), 4);
        using var env = new NormalizeReward(limited, gamma: 0.9, clip: 1f);
        var reference = new Reference(0.9, 1);
        env.Reset(seed: 0);
        bool sawTermination = false, sawTruncation = false, sawClip = false, sawUnclipped = false;
        for (int step = 0; step < 40; step++)
        {
            env.Step(Actions(step));
            var expected = reference.Step(limited.Rewards, limited.Terminated, limited.Truncated);
            for (int i = 0; i < NumEnvs; i++)
            {
                Assert.Equal(expected[i], env.Rewards[i], 1e-5f);
                sawTermination |= env.Terminated[i];
                sawTruncation |= env.Truncated[i];
                if (Math.Abs(expected[i]) == 1f) sawClip = true;
                else if (expected[i] != 0) sawUnclipped = true;
            }
        }
        Assert.True(sawTermination, "no termination");
        Assert.True(sawTruncation, "no truncation");
        Assert.True(sawClip, "no clipped reward");
        Assert.True(sawUnclipped, "no unclipped reward");
    }

    [Fact]
    public void A_truncation_from_an_outer_time_limit_restarts_the_discounted_return()
    {
        var inner = new CountingEnv(1, AutoresetMode.SameStep, baseLength: 0);
        var normalize = new NormalizeReward(inner, gamma: 0.5);
        using var env = new TimeLimit(normalize, maxEpisodeSteps: 2);
        env.Reset(seed: 0);
        env.Step([0f, 0f]); // r = 1, G = 1
        Assert.Equal(1.0, normalize.DiscountedReturns[0]);
        env.Step([0f, 0f]); // r = 2, truncated: G restarts at 2
        Assert.True(env.Truncated[0]);
        Assert.Equal(2.0, normalize.DiscountedReturns[0]);
        env.Step([0f, 0f]); // r = 1 in the new episode: G = 0.5·2 + 1 (a missed end would give 0.5·2.5 + 1)
        Assert.Equal(2.0 * 0.5 + 1.0, normalize.DiscountedReturns[0]);
    }

    [Fact]
    public void The_reward_of_a_next_step_reset_step_stays_zero()
    {
        using var env = new NormalizeReward(new CountingEnv(1, AutoresetMode.NextStep, baseLength: 2));
        env.Reset(seed: 0);
        env.Step([1f, 0f]);
        env.Step([1f, 0f]);
        Assert.True(env.Terminated[0]);
        env.Step([1f, 0f]);
        Assert.True(env.EpisodeStarted[0]);
        Assert.Equal(0f, env.Rewards[0]);
    }

    [Fact]
    public void Frozen_statistics_do_not_change_and_save_load_round_trips()
    {
        string path = Path.Combine(_dir, "return.stats");
        using var trained = new NormalizeReward(new CountingEnv(NumEnvs, AutoresetMode.SameStep));
        trained.Reset(seed: 0);
        for (int step = 0; step < 20; step++) trained.Step(Actions(step));
        trained.Training = false;
        double count = trained.Statistics.Count, variance = trained.Statistics.Variance[0];
        for (int step = 0; step < 5; step++) trained.Step(Actions(step));
        Assert.Equal(count, trained.Statistics.Count);
        Assert.Equal(variance, trained.Statistics.Variance[0]);
        trained.Save(path);

        using var restored = new NormalizeReward(new CountingEnv(NumEnvs, AutoresetMode.SameStep)) { Training = false };
        restored.Load(path);
        trained.Reset(seed: 4);
        restored.Reset(seed: 4);
        for (int step = 0; step < 10; step++)
        {
            trained.Step(Actions(step));
            restored.Step(Actions(step));
            Assert.Equal(trained.Rewards.ToArray(), restored.Rewards.ToArray());
        }

        using var observations = new NormalizeObservation(new CountingEnv(NumEnvs, AutoresetMode.SameStep));
        var e = Assert.Throws<InvalidDataException>(() => observations.Load(path));
        Assert.Contains("holds return statistics", e.Message);
    }
}
