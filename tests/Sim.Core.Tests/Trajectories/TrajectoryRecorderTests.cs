using Sim.Core.Tests.Vector;
using Sim.Core.Trajectories;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Trajectories;

public sealed class TrajectoryRecorderTests
{
    const int NumEnvs = 3;

    /// <summary>Runs the observation-driven policy for <paramref name="steps"/> steps, recording after every call.</summary>
    static void Run(IVectorEnv env, TrajectoryRecorder recorder, int steps, ulong seed = 5, Action<int>? afterStep = null)
    {
        var actions = new float[env.NumEnvs * 2];
        env.Reset(seed);
        recorder.RecordReset(seed);
        for (int t = 0; t < steps; t++)
        {
            TrajectoryTestData.Policy(env.Observations, actions);
            env.Step(actions);
            recorder.RecordStep(actions);
            afterStep?.Invoke(t);
        }
    }

    /// <summary>Episodes of <paramref name="env"/> that end within <paramref name="steps"/> vector steps, counted from the
    /// autoreset rule alone: each episode takes its length in steps, plus one reset step under next-step autoreset.</summary>
    static int ExpectedCompletedEpisodes(int env, int steps, AutoresetMode mode)
    {
        int used = 0, episodes = 0;
        while (true)
        {
            used += FakePhysicsEnv.EpisodeLength(env, episodes);
            if (used > steps) return episodes;
            episodes++;
            if (mode == AutoresetMode.NextStep) used++;
        }
    }

    static Trajectory[] OfEnv(IEnumerable<Trajectory> trajectories, int env) =>
        trajectories.Where(t => t.EnvIndex == env).OrderBy(t => t.EpisodeIndex).ThenBy(t => t.FirstStep).ToArray();

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Episodes_are_split_exactly_as_the_env_produced_them(AutoresetMode mode)
    {
        using var env = new FakePhysicsEnv(NumEnvs, mode);
        var recorder = new TrajectoryRecorder(env, "Fake-v0");
        const int steps = 40;
        Run(env, recorder, steps);

        for (int i = 0; i < NumEnvs; i++)
        {
            var trajectories = OfEnv(recorder.Completed, i);
            var logs = env.Episodes(i);
            Assert.Equal(ExpectedCompletedEpisodes(i, steps, mode), trajectories.Length);
            for (int e = 0; e < trajectories.Length; e++)
            {
                var t = trajectories[e];
                var log = logs[e];
                Assert.True(log.EndedByEnv);
                Assert.Equal("Fake-v0", t.EnvId);
                Assert.Equal(5UL + (ulong)i, t.Seed);
                Assert.Equal(e, t.EpisodeIndex);
                Assert.Equal(0, t.FirstStep);
                Assert.Equal(FakePhysicsEnv.EpisodeLength(i, e), t.Steps);
                Assert.Equal(log.Rewards.Count, t.Steps);
                Assert.Equal(log.Rewards, t.Rewards);
                Assert.Equal(log.Rewards.Sum(r => (double)r), t.Return);
                Assert.Equal(FakePhysicsEnv.EndsTerminated(i, e), t.IsTerminated);
                Assert.Equal(!FakePhysicsEnv.EndsTerminated(i, e), t.IsTruncated);
                Assert.Equal(log.LastObservation, t.Observation(t.Steps).ToArray());
                for (int s = 0; s < t.Steps; s++)
                {
                    Assert.Equal(log.Actions[s], t.Action(s).ToArray());
                    // The reward terms are the env's progress and ctrl columns, which sum to the reward.
                    Assert.Equal(["reward_progress", "reward_ctrl"], t.RewardTermNames);
                    var terms = t.RewardTermRow(s);
                    Assert.Equal(t.Rewards[s], terms[0] + terms[1]);
                    Assert.Equal(-0.1f * (log.Actions[s][0] * log.Actions[s][0] + log.Actions[s][1] * log.Actions[s][1]), terms[1]);
                }
                AssertRowsAreAligned(t, i, e);
                Assert.Equal(log.LastState, t.PhysicsState(t.Steps).ToArray());
            }
        }
    }

    /// <summary>Observation row s is [env, episode, s, pos] and physics row s is [s·dt, pos, vel] of the same state.</summary>
    static void AssertRowsAreAligned(Trajectory t, int env, int episode)
    {
        Assert.Equal(3, t.PhysicsStateSize);
        Assert.True(t.HasFinalPhysicsState);
        Assert.Equal(t.Steps + 1, t.PhysicsStateRows);
        for (int s = 0; s <= t.Steps; s++)
        {
            var obs = t.Observation(s);
            Assert.Equal([env, episode, s], obs[..3].ToArray());
            var state = t.PhysicsState(s);
            Assert.Equal(s * FakePhysicsEnv.Dt, state[0]);
            Assert.Equal(obs[3], (float)state[1]);
        }
    }

    [Fact]
    public void Both_autoreset_modes_and_any_thread_count_record_identical_episodes()
    {
        // The policy depends on the observation only, so each episode sees the same actions in every mode.
        using var nextStep = new FakePhysicsEnv(NumEnvs, AutoresetMode.NextStep);
        using var sameStep = new FakePhysicsEnv(NumEnvs, AutoresetMode.SameStep, threads: 2);
        var a = new TrajectoryRecorder(nextStep, "Fake-v0");
        var b = new TrajectoryRecorder(sameStep, "Fake-v0");
        Run(nextStep, a, 60);
        Run(sameStep, b, 60);

        for (int i = 0; i < NumEnvs; i++)
        {
            var fromNext = OfEnv(a.Completed, i);
            var fromSame = OfEnv(b.Completed, i);
            Assert.True(fromNext.Length >= 5);
            for (int e = 0; e < fromNext.Length; e++) TrajectoryTestData.AssertIdentical(fromNext[e], fromSame[e]);
        }
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Time_limit_truncations_through_a_wrapper_end_episodes_with_their_final_state(AutoresetMode mode)
    {
        const int maxSteps = 3;
        using var env = new TimeLimit(new FakePhysicsEnv(NumEnvs, mode), maxSteps);
        var fake = (FakePhysicsEnv)env.Inner;
        var recorder = new TrajectoryRecorder(env, "Fake-v0");
        Assert.True(recorder.RecordsPhysicsState);
        Run(env, recorder, 30);

        for (int i = 0; i < NumEnvs; i++)
        {
            var trajectories = OfEnv(recorder.Completed, i);
            Assert.True(trajectories.Length >= 6);
            for (int e = 0; e < trajectories.Length; e++)
            {
                var t = trajectories[e];
                int length = FakePhysicsEnv.EpisodeLength(i, e);
                bool envEnded = length <= maxSteps;
                Assert.Equal(Math.Min(length, maxSteps), t.Steps);
                Assert.Equal(envEnded && FakePhysicsEnv.EndsTerminated(i, e), t.IsTerminated);
                // An episode that reaches the limit is truncated even when its last step is also terminal (Gymnasium).
                Assert.Equal(length >= maxSteps || !FakePhysicsEnv.EndsTerminated(i, e), t.IsTruncated);
                Assert.Equal(fake.Episodes(i)[e].Rewards, t.Rewards);
                AssertRowsAreAligned(t, i, e);
            }
        }
    }

    [Fact]
    public void Same_step_autoreset_without_final_states_stores_one_physics_row_fewer()
    {
        using var with = new FakePhysicsEnv(NumEnvs, AutoresetMode.SameStep);
        using var without = new FakePhysicsEnv(NumEnvs, AutoresetMode.SameStep, providesFinalState: false);
        var a = new TrajectoryRecorder(with, "Fake-v0");
        var b = new TrajectoryRecorder(without, "Fake-v0");
        Run(with, a, 25);
        Run(without, b, 25);

        Assert.Equal(a.Completed.Count, b.Completed.Count);
        for (int k = 0; k < a.Completed.Count; k++)
        {
            var full = a.Completed[k];
            var partial = b.Completed[k];
            Assert.False(partial.HasFinalPhysicsState);
            Assert.Equal(partial.Steps, partial.PhysicsStateRows);
            Assert.Equal(full.PhysicsStates[..(full.Steps * 3)], partial.PhysicsStates);
            Assert.Equal(full.Observations, partial.Observations);
        }
    }

    [Fact]
    public void Selected_envs_are_recorded_alone_and_unchanged()
    {
        using var all = new FakePhysicsEnv(NumEnvs, AutoresetMode.NextStep);
        using var some = new FakePhysicsEnv(NumEnvs, AutoresetMode.NextStep);
        var full = new TrajectoryRecorder(all, "Fake-v0");
        var selected = new TrajectoryRecorder(some, "Fake-v0", envIndices: [2, 0]);
        Run(all, full, 20);
        Run(some, selected, 20);

        Assert.Equal([2, 0], selected.RecordedEnvs);
        Assert.DoesNotContain(selected.Completed, t => t.EnvIndex == 1);
        foreach (int i in new[] { 0, 2 })
        {
            var expected = OfEnv(full.Completed, i);
            var actual = OfEnv(selected.Completed, i);
            Assert.Equal(expected.Length, actual.Length);
            for (int e = 0; e < expected.Length; e++) TrajectoryTestData.AssertIdentical(expected[e], actual[e]);
        }
    }

    [Fact]
    public void A_reset_in_mid_episode_keeps_the_cut_episode_as_a_segment_and_restarts_the_counts()
    {
        using var env = new FakePhysicsEnv(1, AutoresetMode.NextStep);
        var recorder = new TrajectoryRecorder(env, "Fake-v0");
        Run(env, recorder, 1, seed: 3); // episode 0 of env 0 lasts 2 steps, so it is cut after 1

        env.Reset(seed: 9);
        recorder.RecordReset(seed: 9);
        var cut = Assert.Single(recorder.TakeCompleted());
        Assert.Equal(1, cut.Steps);
        Assert.False(cut.IsComplete);
        Assert.Equal(3UL, cut.Seed);

        var actions = new float[2];
        for (int t = 0; t < 10; t++)
        {
            TrajectoryTestData.Policy(env.Observations, actions);
            env.Step(actions);
            recorder.RecordStep(actions);
        }
        var after = recorder.Completed;
        Assert.True(after.Count >= 2);
        for (int e = 0; e < after.Count; e++)
        {
            Assert.Equal(9UL, after[e].Seed);
            Assert.Equal(e, after[e].EpisodeIndex);
            Assert.True(after[e].IsComplete);
            Assert.Equal(e + 1, (int)after[e].Observation(0)[1]); // the env's own count includes the cut episode
        }
    }

    [Fact]
    public void Flushed_segments_join_up_into_the_whole_episodes()
    {
        using var plainEnv = new FakePhysicsEnv(NumEnvs, AutoresetMode.SameStep);
        using var flushedEnv = new FakePhysicsEnv(NumEnvs, AutoresetMode.SameStep);
        var plain = new TrajectoryRecorder(plainEnv, "Fake-v0");
        var flushed = new TrajectoryRecorder(flushedEnv, "Fake-v0");
        Run(plainEnv, plain, 30);
        Run(flushedEnv, flushed, 30, afterStep: t => { if (t % 3 == 1) flushed.FlushInProgress(); });

        for (int i = 0; i < NumEnvs; i++)
        {
            foreach (var whole in OfEnv(plain.Completed, i))
            {
                var segments = OfEnv(flushed.Completed, i).Where(s => s.EpisodeIndex == whole.EpisodeIndex).ToArray();
                Assert.True(segments.Length >= 1);
                int step = 0;
                foreach (var segment in segments)
                {
                    Assert.Equal(step, segment.FirstStep);
                    for (int s = 0; s < segment.Steps; s++)
                    {
                        Assert.Equal(whole.Action(step + s).ToArray(), segment.Action(s).ToArray());
                        Assert.Equal(whole.Rewards[step + s], segment.Rewards[s]);
                        Assert.Equal(whole.Terminated[step + s], segment.Terminated[s]);
                        Assert.Equal(whole.Truncated[step + s], segment.Truncated[s]);
                    }
                    for (int row = 0; row <= segment.Steps; row++)
                    {
                        Assert.Equal(whole.Observation(step + row).ToArray(), segment.Observation(row).ToArray());
                        Assert.Equal(whole.PhysicsState(step + row).ToArray(), segment.PhysicsState(row).ToArray());
                    }
                    step += segment.Steps;
                    Assert.Equal(step == whole.Steps, segment.IsComplete);
                }
                Assert.Equal(whole.Steps, step);
            }
        }
    }

    [Fact]
    public void Envs_without_physics_or_reward_terms_record_empty_columns()
    {
        using var env = new CountdownEnv(2);
        var recorder = new TrajectoryRecorder(env, "Countdown-v0");
        Assert.False(recorder.RecordsPhysicsState);
        env.Reset(seed: 1);
        recorder.RecordReset(seed: 1);
        for (int t = 0; t < 8; t++)
        {
            float[] actions = [t, -t];
            env.Step(actions);
            recorder.RecordStep(actions);
        }

        // Env 0 lasts 3 steps, env 1 lasts 4; with next-step resets, 8 steps finish two and one episodes.
        Assert.Equal([3, 3], OfEnv(recorder.Completed, 0).Select(t => t.Steps));
        Assert.Equal([4], OfEnv(recorder.Completed, 1).Select(t => t.Steps));
        var first = OfEnv(recorder.Completed, 0)[0];
        Assert.Equal([0f, 1f, 2f], first.Rewards);
        Assert.Equal(0, first.PhysicsStateSize);
        Assert.Empty(first.PhysicsStates);
        Assert.Empty(first.RewardTermNames);
        Assert.Equal([0f, 1f, 2f, 3f], Enumerable.Range(0, 4).Select(r => first.Observation(r)[0]));
    }

    [Fact]
    public void Physics_recording_can_be_turned_off()
    {
        using var env = new FakePhysicsEnv(1, AutoresetMode.NextStep);
        var recorder = new TrajectoryRecorder(env, "Fake-v0", recordPhysicsState: false);
        Run(env, recorder, 5);
        Assert.False(recorder.RecordsPhysicsState);
        Assert.All(recorder.Completed, t => Assert.Empty(t.PhysicsStates));
    }

    [Fact]
    public void Recorded_episodes_survive_a_file_round_trip()
    {
        using var env = new FakePhysicsEnv(NumEnvs, AutoresetMode.SameStep);
        var recorder = new TrajectoryRecorder(env, "Fake-v0");
        Run(env, recorder, 30);
        recorder.FlushInProgress();
        var trajectories = recorder.TakeCompleted();
        Assert.Empty(recorder.Completed);

        string dir = Directory.CreateTempSubdirectory("sim-recorder-").FullName;
        try
        {
            string path = Path.Combine(dir, "episodes.traj");
            TrajectoryFile.Write(path, trajectories);
            var read = TrajectoryFile.Read(path);
            Assert.Equal(trajectories.Count, read.Count);
            for (int k = 0; k < read.Count; k++) TrajectoryTestData.AssertIdentical(trajectories[k], read[k]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Recording_a_step_allocates_nothing_once_the_buffers_have_grown()
    {
        using var env = new FakePhysicsEnv(4, AutoresetMode.NextStep);
        var recorder = new TrajectoryRecorder(env, "Fake-v0");
        var actions = new float[8];
        env.Reset(seed: 1);
        recorder.RecordReset(seed: 1);
        long measured = 0, bytes = 0;
        for (int t = 0; t < 300; t++)
        {
            TrajectoryTestData.Policy(env.Observations, actions);
            env.Step(actions);
            bool episodeBoundary = false;
            for (int i = 0; i < 4; i++) episodeBoundary |= env.Terminated[i] || env.Truncated[i];
            long before = GC.GetAllocatedBytesForCurrentThread();
            recorder.RecordStep(actions);
            long after = GC.GetAllocatedBytesForCurrentThread();
            // Finished episodes are copied out (an allocation per episode, by design); other steps must not allocate.
            if (t >= 100 && !episodeBoundary)
            {
                bytes += after - before;
                measured++;
            }
        }
        Assert.True(measured > 20);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Misuse_is_reported_with_what_was_expected()
    {
        using var env = new FakePhysicsEnv(2, AutoresetMode.NextStep);
        var recorder = new TrajectoryRecorder(env, "Fake-v0");
        env.Reset(seed: 1);
        var ex = Assert.Throws<InvalidOperationException>(() => recorder.RecordStep(new float[4]));
        Assert.Contains("before RecordReset", ex.Message);

        recorder.RecordReset(seed: 1);
        var lengthError = Assert.Throws<ArgumentException>(() => recorder.RecordStep(new float[3]));
        Assert.StartsWith("actions has length 3, expected 2 envs × 2 = 4", lengthError.Message);

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new TrajectoryRecorder(env, "Fake-v0", envIndices: [0, 2]));
        Assert.Contains("env index 2 is out of range: expected [0, 1]", range.Message);
        var twice = Assert.Throws<ArgumentException>(() => new TrajectoryRecorder(env, "Fake-v0", envIndices: [1, 1]));
        Assert.Contains("env index 1 is listed twice", twice.Message);
    }
}
