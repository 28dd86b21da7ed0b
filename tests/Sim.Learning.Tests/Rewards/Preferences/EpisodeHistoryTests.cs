using Sim.Core;
using Sim.Foundation;
using SimEnvs = Sim.Envs.Envs;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Rewards.Preferences;

public class EpisodeHistoryTests
{
    static EpisodeHistory Make(int numEnvs = 2, int maxEpisodes = 2, int maxSteps = 5, int h = 3, int phys = 0) => new(new EpisodeHistoryOptions
    {
        EnvId = "Test-v0",
        NumEnvs = numEnvs,
        ObservationSize = 1,
        ActionSize = 1,
        PhysicsStateSize = phys,
        MaxEpisodes = maxEpisodes,
        MaxEpisodeSteps = maxSteps,
        SegmentLength = h,
    });

    /// <summary>Feeds one episode whose observation, action and reward at step t are base + t, base − t and t.</summary>
    static void Feed(EpisodeHistory history, int env, int steps, float @base, bool ends = true)
    {
        for (int t = 0; t < steps; t++)
            history.AddTransition(env, [@base + t], [@base - t], t, ends && t == steps - 1,
                history.PhysicsStateSize == 0 ? default : (ReadOnlySpan<double>)[@base + t, -t]);
    }

    [Fact]
    public void KeepsOnlyTheLastEpisodesAndDrawsOnlyFromThoseLongEnough()
    {
        var history = Make(phys: 2);
        Feed(history, 0, 4, 100); // episode 0 in env 0 (ids 0, 1 go to the envs' first episodes)
        Feed(history, 1, 2, 200); // too short for H = 3
        Feed(history, 0, 3, 300); // exactly H
        // Two kept (max episodes 2): the 4-step one was evicted, so every draw is the 3-step episode.
        Assert.Equal(2, history.StoredEpisodeCount);
        Assert.Equal(1, history.SampleableEpisodeCount);
        Assert.Equal(3, history.FinishedEpisodeCount);
        var random = new SimRandom(9);
        for (int i = 0; i < 20; i++)
        {
            var s = history.SampleSegment(ref random);
            Assert.Equal([300f, 301f, 302f], s.Observations);
            Assert.Equal([300f, 299f, 298f], s.Actions);
            Assert.Equal([0f, 1f, 2f], s.TrueRewards);
            Assert.Equal([300.0, 0, 301, -1, 302, -2], s.PhysicsStates);
            Assert.Equal(2, s.PhysicsStateSize);
            Assert.Equal(0, s.StartStep);
            Assert.Equal("Test-v0", s.EnvId);
            Assert.Equal("replay", s.Source);
        }
    }

    [Fact]
    public void SegmentsNeverCrossEpisodesAndCoverEveryWindow()
    {
        var history = Make(numEnvs: 1, maxEpisodes: 4, maxSteps: 10, h: 3);
        Feed(history, 0, 5, 0);    // windows start at 0, 1, 2
        Feed(history, 0, 4, 1000); // windows start at 0, 1
        var random = new SimRandom(4);
        var seen = new HashSet<(float, int)>();
        for (int i = 0; i < 500; i++)
        {
            var s = history.SampleSegment(ref random);
            float first = s.Observations[0];
            float episodeBase = first >= 1000 ? 1000 : 0;
            Assert.Equal(first - episodeBase, s.StartStep);
            for (int t = 0; t < 3; t++) Assert.Equal(first + t, s.Observations[t]); // consecutive rows of one episode
            Assert.True(s.StartStep + 3 <= (episodeBase == 0 ? 5 : 4));
            seen.Add((episodeBase, s.StartStep));
        }
        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public void OverLongEpisodesAreStoredAsChunksOfOneEpisode()
    {
        var history = Make(numEnvs: 1, maxEpisodes: 10, maxSteps: 5, h: 2);
        Feed(history, 0, 12, 0);
        Assert.Equal(3, history.StoredEpisodeCount); // 5 + 5 + 2
        Assert.Equal(1, history.FinishedEpisodeCount);
        Assert.Equal(new EpisodeStatistics(1, 66, 12), history.RecentStatistics()); // 0 + 1 + … + 11
        var random = new SimRandom(2);
        for (int i = 0; i < 200; i++)
        {
            var s = history.SampleSegment(ref random);
            Assert.Equal(s.StartStep, (int)s.Observations[0]);
            Assert.Equal(s.Observations[0] + 1, s.Observations[1]);
            Assert.NotEqual(4, s.StartStep % 5); // a window starting at step 4 or 9 would cross a chunk boundary
            Assert.Equal(0, s.Episode);
        }
    }

    [Fact]
    public void RecentStatisticsAverageTheLastFinishedEpisodes()
    {
        var history = Make(numEnvs: 1, maxEpisodes: 5, maxSteps: 10, h: 1);
        Feed(history, 0, 2, 0); // return 0 + 1 = 1
        Feed(history, 0, 4, 0); // return 6
        Feed(history, 0, 3, 0); // return 3
        Assert.Equal(new EpisodeStatistics(2, 4.5, 3.5), history.RecentStatistics(2));
        Assert.Equal(new EpisodeStatistics(3, 10.0 / 3, 3), history.RecentStatistics(10));
        // δ = ε · mean return · H / mean length = 0.1 · (10 / 3) · 1 / 3
        Assert.Equal(0.1 * (10.0 / 3) / 3, Sim.Rewards.Robot.TeacherThresholds.FromHistory(history, 0.1, 10), 12);
    }

    [Fact]
    public void NoLongEnoughEpisodeIsAClearError()
    {
        var history = Make(h: 3);
        var random = new SimRandom(1);
        var ex = Assert.Throws<InvalidOperationException>(() => history.SampleSegment(ref random));
        Assert.Contains("no episode has finished yet", ex.Message);
        Feed(history, 0, 2, 0);
        Feed(history, 1, 5, 0, ends: false);
        ex = Assert.Throws<InvalidOperationException>(() => history.SampleSegment(ref random));
        Assert.Contains("3-step segment", ex.Message);
        Assert.Contains("at most 2 steps", ex.Message);
    }

    [Fact]
    public void RecordingAllocatesNothingInSteadyState()
    {
        var history = Make(numEnvs: 2, maxEpisodes: 3, maxSteps: 8, h: 2, phys: 2);
        float[] obs = [1], act = [2];
        double[] phys = [3, 4];
        void Run(int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                history.AddTransition(0, obs, act, 1, i % 7 == 6, phys);
                history.AddTransition(1, obs, act, 1, i % 20 == 19, phys); // chunked: longer than 8 steps
            }
        }
        Run(200);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(2000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void SegmentsFromAVectorEnvReplayExactlyFromTheirPhysicsStates(AutoresetMode mode)
    {
        using var env = SimEnvs.Make("InvertedPendulum-v1", 2, seed: 3, new VectorEnvOptions { AutoresetMode = mode });
        var physics = EpisodeHistory.FindPhysicsState(env)!;
        int obsSize = env.SingleObservationSpace.FlatSize, actSize = env.SingleActionSpace.FlatSize;
        var history = new EpisodeHistory(new EpisodeHistoryOptions
        {
            EnvId = "InvertedPendulum-v1",
            NumEnvs = 2,
            ObservationSize = obsSize,
            ActionSize = actSize,
            PhysicsStateSize = physics.PhysicsStateSize,
            MaxEpisodes = 20,
            MaxEpisodeSteps = 1000,
            SegmentLength = 4,
        });
        env.Reset(3);
        var random = new SimRandom(8);
        var actions = new float[2 * actSize];
        for (int step = 0; step < 300; step++)
        {
            for (int i = 0; i < actions.Length; i++) actions[i] = (float)random.Uniform(-3, 3);
            history.BeginStep(env);
            env.Step(actions);
            history.EndStep(env, actions);
        }
        Assert.True(history.SampleableEpisodeCount > 0);

        // Replaying each sampled segment from its first physics state reproduces every later row: the rows are one
        // episode's consecutive transitions with the physics state matching each observation.
        using var replay = SimEnvs.Make("InvertedPendulum-v1", 1, seed: 0, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        var replayPhysics = EpisodeHistory.FindPhysicsState(replay)!;
        var state = new double[physics.PhysicsStateSize];
        for (int k = 0; k < 10; k++)
        {
            var s = history.SampleSegment(ref random);
            Assert.Equal(physics.PhysicsStateSize, s.PhysicsStateSize);
            replay.Reset(0);
            replayPhysics.SetPhysicsState(0, s.PhysicsStates.AsSpan(0, s.PhysicsStateSize));
            for (int t = 0; t < s.Length; t++)
            {
                replayPhysics.GetPhysicsState(0, state);
                for (int j = 0; j < state.Length; j++)
                    Assert.Equal(s.PhysicsStates[t * s.PhysicsStateSize + j], state[j], 6);
                replay.Step(s.Action(t));
                Assert.Equal(s.TrueRewards[t], replay.Rewards[0], 5);
                if (t + 1 < s.Length)
                {
                    Assert.False(replay.Terminated[0] || replay.Truncated[0]);
                    for (int j = 0; j < obsSize; j++) Assert.Equal(s.Observation(t + 1)[j], replay.Observations[j], 5);
                }
            }
        }
    }

    [Fact]
    public void BadInputIsRejectedByName()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Make(maxSteps: 2, h: 3));
        Assert.Contains("SegmentLength 3 exceeds MaxEpisodeSteps 2", ex.Message);
        var history = Make();
        var arg = Assert.Throws<ArgumentException>(() => history.AddTransition(0, [1, 2], [0], 0, false));
        Assert.Contains("observation has 2 values", arg.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => history.AddTransition(5, [1], [0], 0, false));
    }

    static byte[] Saved(EpisodeHistory history)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) history.Save(writer);
        return stream.ToArray();
    }

    static void LoadInto(EpisodeHistory history, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        history.Load(reader);
    }

    static string Describe(Sim.Rewards.Robot.Segment s) =>
        $"{s.Episode}@{s.StartStep}:{string.Join(",", s.Observations.ToArray())}|{string.Join(",", s.Actions.ToArray())}|{string.Join(",", s.TrueRewards.ToArray())}|{string.Join(",", s.PhysicsStates.ToArray())}";

    [Fact]
    public void A_loaded_history_continues_exactly_like_the_one_saved_even_after_the_ring_wrapped_and_mid_episode()
    {
        var original = Make(numEnvs: 2, maxEpisodes: 3, maxSteps: 4, h: 2, phys: 2);
        Feed(original, 0, 3, 100);
        Feed(original, 1, 6, 200);          // over-long: stored as a 4-step chunk, the rest stays in progress
        Feed(original, 0, 2, 300);
        Feed(original, 0, 3, 400);          // the ring of 3 wraps and evicts the first episode
        Feed(original, 1, 1, 500, ends: false);
        var copy = Make(numEnvs: 2, maxEpisodes: 3, maxSteps: 4, h: 2, phys: 2);
        Feed(copy, 0, 4, 900);              // whatever the copy held before is replaced
        LoadInto(copy, Saved(original));

        Assert.Equal(original.StoredEpisodeCount, copy.StoredEpisodeCount);
        Assert.Equal(original.FinishedEpisodeCount, copy.FinishedEpisodeCount);
        Assert.Equal(original.RecentStatistics(), copy.RecentStatistics());
        // Both finish the episodes in progress the same way, and then draw the same segments.
        foreach (var history in new[] { original, copy })
        {
            Feed(history, 1, 2, 600);
            Feed(history, 0, 2, 700);
        }
        Assert.Equal(original.RecentStatistics(), copy.RecentStatistics());
        var a = new SimRandom(3);
        var b = new SimRandom(3);
        var fromOriginal = original.SampleSegments(30, ref a).Select(Describe).ToArray();
        var fromCopy = copy.SampleSegments(30, ref b).Select(Describe).ToArray();
        Assert.Equal(fromOriginal, fromCopy);
        // The window [500, 600] exists only if env 1's row in progress at the save (observation 500) came back.
        Assert.Contains(fromCopy, d => d.Contains(":500,600|", StringComparison.Ordinal));

        // Saving what was loaded gives the same bytes, loading twice into one history is as loading once, and after more
        // episodes than the history has slots, both still agree (no slot was lost or shared by the loads).
        var state = Saved(copy);
        Assert.Equal(Saved(original), state);
        LoadInto(copy, state);
        LoadInto(copy, state);
        Assert.Equal(state, Saved(copy));
        for (int episode = 0; episode < 8; episode++)
            foreach (var history in new[] { original, copy }) Feed(history, episode % 2, 3 + episode % 2, 1000 + 10 * episode);
        Assert.Equal(Saved(original), Saved(copy));
    }

    [Fact]
    public void A_state_of_other_sizes_or_cut_short_is_refused_by_name_and_leaves_an_empty_usable_history()
    {
        var original = Make(numEnvs: 2, maxEpisodes: 2, maxSteps: 5, h: 3);
        Feed(original, 0, 4, 100);
        Feed(original, 1, 4, 200);
        var state = Saved(original);

        var otherSize = Make(numEnvs: 3, maxEpisodes: 2, maxSteps: 5, h: 3);
        var error = Assert.Throws<InvalidDataException>(() => LoadInto(otherSize, state));
        Assert.Contains("sub-env count", error.Message);

        var target = Make(numEnvs: 2, maxEpisodes: 2, maxSteps: 5, h: 3);
        Feed(target, 0, 4, 900);
        error = Assert.Throws<InvalidDataException>(() => LoadInto(target, state[..(state.Length - 7)]));
        Assert.Equal(0, target.StoredEpisodeCount);
        Assert.Equal(0, target.FinishedEpisodeCount);
        // Still usable: it records and samples as a fresh history would.
        Feed(target, 0, 3, 10);
        var random = new SimRandom(1);
        Assert.Equal([10f, 11f, 12f], target.SampleSegment(ref random).Observations);
    }
}
