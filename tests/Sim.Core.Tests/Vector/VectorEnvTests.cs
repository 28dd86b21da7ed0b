namespace Sim.Core.Tests.Vector;

public class VectorEnvTests
{
    static float[] Actions(int n, float value) => Enumerable.Repeat(value, n).ToArray();

    [Fact]
    public void Reset_fills_observations_and_marks_every_episode_started()
    {
        using var env = new CountdownEnv(4);
        env.Reset(seed: 7);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(0f, env.Observations[i * 3]);
            Assert.Equal(i, env.Observations[i * 3 + 1]);
            Assert.True(env.EpisodeStarted[i]);
        }
    }

    [Fact]
    public void Next_step_autoreset_returns_the_final_observation_then_resets_on_the_following_step()
    {
        using var env = new CountdownEnv(1, new VectorEnvOptions { AutoresetMode = AutoresetMode.NextStep });
        env.Reset(seed: 1);
        for (int t = 1; t <= 2; t++)
        {
            env.Step([1f]);
            Assert.False(env.Terminated[0]);
            Assert.Equal(t, env.Observations[0]);
        }
        env.Step([2f]);
        Assert.True(env.Terminated[0]);
        Assert.False(env.EpisodeStarted[0]);
        Assert.Equal(3f, env.Observations[0]);            // the terminal observation itself
        Assert.Equal(3f, env.FinalObservations[0]);       // and a copy for uniform access
        Assert.Equal(2f, env.Rewards[0]);

        // The reset step ignores the action, even an invalid one, and reports no transition.
        env.Step([float.NaN]);
        Assert.True(env.EpisodeStarted[0]);
        Assert.False(env.Terminated[0]);
        Assert.False(env.Truncated[0]);
        Assert.Equal(0f, env.Rewards[0]);
        Assert.Equal(0f, env.Observations[0]);
    }

    [Fact]
    public void Same_step_autoreset_returns_the_new_episode_and_keeps_the_final_observation()
    {
        using var env = new CountdownEnv(1, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        env.Reset(seed: 1);
        env.Step([1f]);
        env.Step([1f]);
        env.Step([5f]);
        Assert.True(env.Terminated[0]);
        Assert.True(env.EpisodeStarted[0]);
        Assert.Equal(5f, env.Rewards[0]);
        Assert.Equal(3f, env.FinalObservations[0]);
        Assert.Equal(0f, env.Observations[0]); // already the first observation of the next episode
        env.Step([1f]);
        Assert.False(env.EpisodeStarted[0]);
        Assert.Equal(1f, env.Observations[0]);
    }

    [Fact]
    public void Truncate_from_outside_ends_the_episode_as_truncated()
    {
        using var env = new CountdownEnv(2, new VectorEnvOptions { AutoresetMode = AutoresetMode.NextStep });
        env.Reset(seed: 3);
        env.Step(Actions(2, 1f));
        env.Truncate(1);
        Assert.True(env.Truncated[1]);
        Assert.False(env.Truncated[0]);
        Assert.Equal(env.Observations.Slice(3, 3).ToArray(), env.FinalObservations.Slice(3, 3).ToArray());
        env.Step(Actions(2, 1f));
        Assert.True(env.EpisodeStarted[1]);
        Assert.Equal(0f, env.Observations[3]);
        Assert.Equal(2f, env.Observations[0]);
    }

    [Fact]
    public void Wrong_action_length_names_both_lengths()
    {
        using var env = new CountdownEnv(4);
        env.Reset(seed: 0);
        var e = Assert.Throws<ArgumentException>(() => env.Step(new float[5]));
        Assert.Contains("length 5", e.Message);
        Assert.Contains("4 envs", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void Non_finite_action_names_the_component_and_env(float bad, string shown)
    {
        using var env = new CountdownEnv(8);
        env.Reset(seed: 0);
        var actions = new float[8];
        actions[7] = bad;
        var e = Assert.Throws<ArgumentException>(() => env.Step(actions));
        Assert.Contains("action[0]", e.Message);
        Assert.Contains("env 7", e.Message);
        Assert.Contains("finite", e.Message);
        Assert.Contains(shown, e.Message);
    }

    [Fact]
    public void Step_before_reset_is_an_error()
    {
        using var env = new CountdownEnv(1);
        var e = Assert.Throws<InvalidOperationException>(() => env.Step([0f]));
        Assert.Contains("Reset", e.Message);
    }

    [Fact]
    public void Same_seed_gives_bitwise_identical_trajectories_for_one_two_and_three_threads()
    {
        static float[] Run(int threads)
        {
            using var env = new CountdownEnv(37, new VectorEnvOptions { NumThreads = threads });
            env.Reset(seed: 42);
            var trace = new List<float>();
            var actions = new float[37];
            for (int t = 0; t < 50; t++)
            {
                for (int i = 0; i < actions.Length; i++) actions[i] = (i * 7 + t) % 5 - 2;
                env.Step(actions);
                trace.AddRange(env.Observations.ToArray());
                trace.AddRange(env.Rewards.ToArray());
                foreach (var d in env.Terminated) trace.Add(d ? 1 : 0);
            }
            return trace.ToArray();
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }

    [Fact]
    public void Env_i_is_seeded_with_seed_plus_i()
    {
        using var a = new CountdownEnv(3);
        using var b = new CountdownEnv(1);
        a.Reset(seed: 100);
        b.Reset(seed: 102);
        Assert.Equal(b.Observations[2], a.Observations[2 * 3 + 2]);
    }

    [Fact]
    public void Reset_without_seed_continues_each_stream()
    {
        using var env = new CountdownEnv(1);
        env.Reset(seed: 5);
        float first = env.Observations[2];
        env.Reset();
        Assert.NotEqual(first, env.Observations[2]);
        env.Reset(seed: 5);
        Assert.Equal(first, env.Observations[2]);
    }
}
