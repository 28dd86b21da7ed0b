using Sim.Core;
using Sim.Foundation;
using Sim.Core.Wrappers;
using Sim.Learning.Replay;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Replay;

/// <summary>Checks the replay buffer: shapes and contents of samples, circular overwrite, episode ends under
/// same-step autoreset, and reward relabelling.</summary>
public sealed class ReplayBufferTests
{
    // Transition i: obs (i, i + 0.5), action (−i), reward 100 + i, next obs (i + 1, i + 1.5), terminated when i is a multiple of 3.
    private static void AddNumbered(ReplayBuffer buffer, int from, int count)
    {
        var obs = new float[count * 2];
        var actions = new float[count];
        var rewards = new float[count];
        var next = new float[count * 2];
        var terminated = new bool[count];
        for (int k = 0; k < count; k++)
        {
            int i = from + k;
            obs[2 * k] = i;
            obs[2 * k + 1] = i + 0.5f;
            actions[k] = -i;
            rewards[k] = 100 + i;
            next[2 * k] = i + 1;
            next[2 * k + 1] = i + 1.5f;
            terminated[k] = i % 3 == 0;
        }
        buffer.Add(obs, actions, rewards, next, terminated);
    }

    [Fact]
    public void Sampled_batches_have_the_right_shapes_and_the_rows_they_name()
    {
        using var buffer = new ReplayBuffer(16, 2, 1);
        AddNumbered(buffer, 0, 10);
        var rng = new SimRandom(1);

        var batch = buffer.Sample(32, ref rng);

        Assert.Equal(new long[] { 32, 2 }, batch.Observations.shape);
        Assert.Equal(new long[] { 32, 1 }, batch.Actions.shape);
        Assert.Equal(new long[] { 32 }, batch.Rewards.shape);
        Assert.Equal(new long[] { 32, 2 }, batch.NextObservations.shape);
        Assert.Equal(new long[] { 32 }, batch.Terminated.shape);
        var obs = batch.Observations.data<float>().ToArray();
        var actions = batch.Actions.data<float>().ToArray();
        var rewards = batch.Rewards.data<float>().ToArray();
        var next = batch.NextObservations.data<float>().ToArray();
        var terminated = batch.Terminated.data<float>().ToArray();
        var seen = new HashSet<int>();
        for (int b = 0; b < 32; b++)
        {
            int i = batch.Indices[b];
            Assert.InRange(i, 0, 9);
            seen.Add(i);
            Assert.Equal(new[] { (float)i, i + 0.5f }, obs[(2 * b)..(2 * b + 2)]);
            Assert.Equal(-i, actions[b]);
            Assert.Equal(100 + i, rewards[b]);
            Assert.Equal(new[] { i + 1f, i + 1.5f }, next[(2 * b)..(2 * b + 2)]);
            Assert.Equal(i % 3 == 0 ? 1f : 0f, terminated[b]);
        }
        // 32 uniform draws from 10 rows miss a given row with probability 0.9^32 ≈ 3%; most rows must appear.
        Assert.True(seen.Count >= 7, $"only {seen.Count} distinct rows in 32 draws from 10");
    }

    [Fact]
    public void Sampling_reuses_the_batch_tensors_and_is_reproducible_from_the_generator_state()
    {
        using var buffer = new ReplayBuffer(100, 2, 1);
        AddNumbered(buffer, 0, 100);
        var rng = new SimRandom(9);
        var copy = rng;

        var first = buffer.Sample(8, ref rng);
        var firstIndices = first.Indices.ToArray();
        var observations = first.Observations;
        var second = buffer.Sample(8, ref copy);

        Assert.Same(first, second);
        Assert.Same(observations, second.Observations);
        Assert.Equal(firstIndices, second.Indices.ToArray());
    }

    [Fact]
    public void A_full_buffer_overwrites_its_oldest_rows()
    {
        using var buffer = new ReplayBuffer(4, 2, 1);
        AddNumbered(buffer, 0, 3);
        Assert.Equal(3, buffer.Count);
        Assert.Equal(3, buffer.Position);
        Assert.False(buffer.IsFull);

        AddNumbered(buffer, 3, 3);

        // Transitions 0..5 went to rows 0,1,2,3,0,1.
        Assert.True(buffer.IsFull);
        Assert.Equal(4, buffer.Count);
        Assert.Equal(2, buffer.Position);
        Assert.Equal(6, buffer.TotalAdded);
        Assert.Equal(new[] { 104f, 105f, 102f, 103f }, buffer.Rewards.ToArray());
        Assert.Equal(new[] { 4f, 4.5f, 5f, 5.5f, 2f, 2.5f, 3f, 3.5f }, buffer.Observations.ToArray());
        Assert.Equal(new[] { false, false, false, true }, buffer.Terminated.ToArray());

        // A single call with more rows than the capacity keeps its last 4, in ring order: transitions 6..15
        // go to rows 2,3,0,1,2,3,0,1,2,3, so rows 0..3 end with 12, 13, 14, 15.
        AddNumbered(buffer, 6, 10);
        Assert.Equal(new[] { 112f, 113f, 114f, 115f }, buffer.Rewards.ToArray());
        Assert.Equal(0, buffer.Position);
        Assert.Equal(16, buffer.TotalAdded);
    }

    [Fact]
    public void Episode_ends_store_the_final_observation_and_only_terminations_as_terminal()
    {
        // Env 0 terminates at t = 3; env 1 is truncated by the 4-step time limit.
        using var env = new TimeLimit(new EpisodeEndingEnv(2), 4);
        env.Reset(0);
        using var buffer = new ReplayBuffer(64, EpisodeEndingEnv.ObsSize, 1);
        var obs = new float[2 * EpisodeEndingEnv.ObsSize];
        float[] actions = { 0.5f, -0.5f };
        for (int step = 0; step < 5; step++)
        {
            env.Observations.CopyTo(obs);
            env.Step(actions);
            buffer.AddStep(obs, actions, env);
        }

        // Rows alternate env 0, env 1. Observations are (t, env, episode).
        float[] Row(ReadOnlySpan<float> column, int row) => column.Slice(row * 3, 3).ToArray();
        // Step 3 (rows 4, 5): env 0 terminated at t = 3 — its next obs is its last (3, 0, 0), not the reset (0, 0, 1).
        Assert.Equal(new[] { 2f, 0f, 0f }, Row(buffer.Observations, 4));
        Assert.Equal(new[] { 3f, 0f, 0f }, Row(buffer.NextObservations, 4));
        Assert.True(buffer.Terminated[4]);
        Assert.Equal(30.5f, buffer.Rewards[4]);
        // Step 4 (rows 6, 7): env 0 starts over from its new episode's first observation; env 1 was truncated
        // at t = 4: its next obs is its last (4, 1, 0) and it is stored as not terminated, so it bootstraps.
        Assert.Equal(new[] { 0f, 0f, 1f }, Row(buffer.Observations, 6));
        Assert.Equal(new[] { 1f, 0f, 1f }, Row(buffer.NextObservations, 6));
        Assert.Equal(new[] { 3f, 1f, 0f }, Row(buffer.Observations, 7));
        Assert.Equal(new[] { 4f, 1f, 0f }, Row(buffer.NextObservations, 7));
        Assert.False(buffer.Terminated[7]);
        Assert.Equal(39.5f, buffer.Rewards[7]);
        // Step 5 (rows 8, 9): env 1's next transition starts from its reset observation.
        Assert.Equal(new[] { 0f, 1f, 1f }, Row(buffer.Observations, 9));
        Assert.Equal(new[] { 1f, 1f, 1f }, Row(buffer.NextObservations, 9));
        Assert.Equal(1, buffer.Terminated.ToArray().Count(t => t));
    }

    [Fact]
    public void A_termination_on_the_time_limit_step_is_stored_as_terminal()
    {
        // Env 0 terminates at t = 3, which is also the limit: the env reports both flags, and SAC must not bootstrap.
        using var env = new TimeLimit(new EpisodeEndingEnv(1), EpisodeEndingEnv.TerminalStep);
        env.Reset(0);
        using var buffer = new ReplayBuffer(16, EpisodeEndingEnv.ObsSize, 1);
        var obs = new float[EpisodeEndingEnv.ObsSize];
        for (int step = 0; step < EpisodeEndingEnv.TerminalStep; step++)
        {
            env.Observations.CopyTo(obs);
            env.Step([0f]);
            buffer.AddStep(obs, [0f], env);
        }

        Assert.True(env.Terminated[0] && env.Truncated[0]);
        Assert.Equal(new[] { 3f, 0f, 0f }, buffer.NextObservations.Slice(2 * EpisodeEndingEnv.ObsSize, EpisodeEndingEnv.ObsSize).ToArray());
        Assert.Equal(new[] { false, false, true }, buffer.Terminated.Slice(0, 3).ToArray());
    }

    [Fact]
    public void Pendulum_truncations_keep_the_last_observation_and_bootstrap()
    {
        using var env = Envs.Envs.Make("Pendulum-v1", 2, 3, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        using var buffer = new ReplayBuffer(1000, 3, 1);
        var obs = new float[6];
        float[] actions = { 1f, -1f };
        for (int step = 0; step < 200; step++)
        {
            env.Observations.CopyTo(obs);
            env.Step(actions);
            buffer.AddStep(obs, actions, env);
        }

        // Step 200 ended both episodes by the time limit: the stored next observations are the final ones, and
        // the env's observations are already the next episodes' first.
        Assert.True(env.Truncated[0] && env.Truncated[1]);
        Assert.Equal(env.FinalObservations.ToArray(), buffer.NextObservations.Slice(398 * 3, 6).ToArray());
        Assert.NotEqual(env.Observations.ToArray(), buffer.NextObservations.Slice(398 * 3, 6).ToArray());
        Assert.DoesNotContain(true, buffer.Terminated.ToArray());
    }

    [Fact]
    public void Add_step_needs_same_step_autoreset_and_matching_sizes()
    {
        using var env = new EpisodeEndingEnv(2, AutoresetMode.NextStep);
        env.Reset(0);
        using var buffer = new ReplayBuffer(8, EpisodeEndingEnv.ObsSize, 1);
        var ex = Assert.Throws<ArgumentException>(() => buffer.AddStep(new float[6], new float[2], env));
        Assert.Contains("SameStep", ex.Message);

        using var pairs = new ReplayBuffer(8, 2, 1);
        var wrongRows = Assert.Throws<ArgumentException>(() => pairs.Add(new float[4], new float[1], new float[2], new float[4], new bool[2]));
        Assert.Contains("actions has 1 values: expected 2", wrongRows.Message);
    }

    [Fact]
    public void Relabel_rewrites_every_stored_reward_from_obs_action_and_next_obs()
    {
        using var buffer = new ReplayBuffer(10, 2, 1);
        AddNumbered(buffer, 0, 13);
        var rowsSeen = new List<int>();

        // r' = obs[0] + 10·action + 100·next[1]; for transition i that is i − 10i + 100(i + 1.5) = 91i + 150.
        buffer.RelabelRewards((obs, actions, next, rewards) =>
        {
            rowsSeen.Add(rewards.Length);
            for (int k = 0; k < rewards.Length; k++) rewards[k] = obs[2 * k] + 10 * actions[k] + 100 * next[2 * k + 1];
        }, chunkRows: 4);

        Assert.Equal(new[] { 4, 4, 2 }, rowsSeen);
        // Rows hold transitions 10, 11, 12, 3, 4, ..., 9.
        int[] transitionOfRow = { 10, 11, 12, 3, 4, 5, 6, 7, 8, 9 };
        for (int row = 0; row < 10; row++) Assert.Equal(91f * transitionOfRow[row] + 150f, buffer.Rewards[row]);
    }

    [Fact]
    public void Relabel_is_all_or_nothing_when_the_function_leaves_a_reward_unwritten()
    {
        using var buffer = new ReplayBuffer(10, 2, 1);
        AddNumbered(buffer, 0, 6);
        var before = buffer.Rewards.ToArray();

        var ex = Assert.Throws<InvalidOperationException>(() => buffer.RelabelRewards((_, _, _, rewards) =>
        {
            for (int k = 0; k < rewards.Length; k++)
                if (k != 1) rewards[k] = 0;
        }, chunkRows: 4));

        Assert.Contains("row 1 = NaN", ex.Message);
        Assert.Equal(before, buffer.Rewards.ToArray());
    }

    [Fact]
    public void Sampling_an_empty_buffer_is_an_error()
    {
        using var buffer = new ReplayBuffer(4, 2, 1);
        var rng = new SimRandom(1);
        var ex = Assert.Throws<InvalidOperationException>(() => buffer.Sample(2, ref rng));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Oversized_buffers_are_rejected_with_the_limit()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayBuffer(100_000_000, 348, 17));
        Assert.Contains("capacity = 100000000", ex.Message);
    }
}
