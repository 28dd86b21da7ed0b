using Sim.Core;
using Sim.Foundation;
using Sim.Core.Wrappers;
using Sim.Viewer.Recording;

namespace Sim.Viewer.Tests.Recording;

/// <summary>Which episodes of env 0 the recorder hands to its writer, what they hold, and how the episode count survives
/// a save and load; the writer here only notes what it gets.</summary>
public sealed class EpisodeVideoRecorderTests : IDisposable
{
    static readonly TimeSpan Generous = TimeSpan.FromMinutes(1);
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"sim-video-recorder-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    // 50 steps of 12-step episodes: same-step resets start the next episode on the ending step (episodes 0-3 end by
    // step 48); next-step resets take a step of their own (13 per episode: 0-2 end by step 38, 3 is running).
    [InlineData(AutoresetMode.SameStep, 4, 5)]
    [InlineData(AutoresetMode.NextStep, 3, 4)]
    public void Every_episode_of_env_0_is_handed_over_whole_with_its_number(AutoresetMode mode, int finished, int started)
    {
        var videos = new FakeVideos(_folder);
        var expectedReturns = new List<double>();
        using (var env = new EpisodeVideoRecorder(PendulumChain.Make(2, mode, seed: 7, episodeSteps: 12), "Pendulum-v1", videos.Writer, VideoSchedule.Every(1)))
        {
            env.Reset(7);
            var rng = new SimRandom(11);
            var actions = new float[2];
            double episodeReturn = 0;
            for (int t = 0; t < 50; t++)
            {
                env.SingleActionSpace.Sample(ref rng, actions.AsSpan(0, 1));
                env.SingleActionSpace.Sample(ref rng, actions.AsSpan(1, 1));
                env.Step(actions);
                bool ended = env.Terminated[0] || env.Truncated[0];
                // A next-step reset row carries no transition, so its reward is no part of any episode.
                if (ended || !env.EpisodeStarted[0]) episodeReturn += env.Rewards[0];
                if (!ended) continue;
                expectedReturns.Add(episodeReturn);
                episodeReturn = 0;
            }
            Assert.Equal(started, env.EpisodesStarted);
            Assert.True(videos.Writer.Complete(Generous));
        }

        var rendered = videos.Rendered;
        Assert.Equal(Enumerable.Range(0, finished).Select(k => (long)k), rendered.Select(r => r.Episode));
        Assert.Equal(finished, expectedReturns.Count);
        for (int k = 0; k < finished; k++)
        {
            var t = rendered[k].Trajectory;
            Assert.Equal(("Pendulum-v1", 0, 12, 13), (t.EnvId, t.EnvIndex, t.Steps, t.Observations.Length / t.ObservationSize));
            Assert.True(t.IsTruncated);
            Assert.Equal(expectedReturns[k], t.Return, 4);
        }
        Assert.Equal(finished, videos.Writer.Written);
        Assert.Equal(0, videos.Writer.Dropped);
    }

    [Fact]
    public void By_default_only_the_capped_cubic_episodes_are_handed_over()
    {
        var videos = new FakeVideos(_folder);
        using var env = new EpisodeVideoRecorder(PendulumChain.Make(1, AutoresetMode.SameStep, seed: 3, episodeSteps: 2), "Pendulum-v1", videos.Writer);
        env.Reset(3);
        var rng = new SimRandom(5);
        PendulumChain.Step(env, 60, ref rng); // episodes 0..29 end, 30 has begun
        Assert.Equal(31, env.EpisodesStarted);
        Assert.True(videos.Writer.Complete(Generous));
        Assert.Equal([0L, 1L, 8L, 27L], videos.Rendered.Select(r => r.Episode));
        Assert.All(videos.Rendered, r => Assert.Equal(2, r.Trajectory.Steps));
    }

    [Theory]
    // A time limit of 5 steps above the recorder: same-step resets give 4 episodes in 20 steps, next-step resets 3.
    [InlineData(AutoresetMode.SameStep, 4)]
    [InlineData(AutoresetMode.NextStep, 3)]
    public void A_truncation_from_a_wrapper_above_ends_the_filmed_episode(AutoresetMode mode, int finished)
    {
        var videos = new FakeVideos(_folder);
        var base_ = Envs.Envs.Make("Pendulum-v1", 1, 4, new VectorEnvOptions { AutoresetMode = mode });
        var recorder = new EpisodeVideoRecorder(base_, "Pendulum-v1", videos.Writer, VideoSchedule.Every(1));
        using var env = new TimeLimit(recorder, 5);
        env.Reset(4);
        var rng = new SimRandom(6);
        PendulumChain.Step(env, 20, ref rng);
        Assert.True(videos.Writer.Complete(Generous));
        Assert.Equal(Enumerable.Range(0, finished).Select(k => (long)k), videos.Rendered.Select(r => r.Episode));
        Assert.All(videos.Rendered, r => Assert.Equal((5, 6), (r.Trajectory.Steps, r.Trajectory.Observations.Length / r.Trajectory.ObservationSize)));
    }

    [Fact]
    public void A_loaded_state_restores_the_episode_count_and_films_from_the_next_episode_start()
    {
        var before = new FakeVideos(Path.Combine(_folder, "before"));
        var after = new FakeVideos(Path.Combine(_folder, "after"));
        using var first = new EpisodeVideoRecorder(PendulumChain.Make(1, AutoresetMode.SameStep, seed: 9, episodeSteps: 12), "Pendulum-v1", before.Writer, VideoSchedule.Every(1));
        using var second = new EpisodeVideoRecorder(PendulumChain.Make(1, AutoresetMode.SameStep, seed: 9, episodeSteps: 12), "Pendulum-v1", after.Writer, VideoSchedule.Every(1));

        first.Reset(9);
        var rng = new SimRandom(2);
        PendulumChain.Step(first, 30, ref rng); // episodes 0 and 1 end; 2 has run 6 of its 12 steps
        Assert.Equal(3, first.EpisodesStarted);
        using var saved = new MemoryStream();
        EnvState.Save(first, saved);

        // As a resumed trainer does: a fresh chain is reset (starting its own episode 0), then the state is loaded.
        second.Reset(9);
        saved.Position = 0;
        EnvState.Load(second, saved);
        Assert.Equal(3, second.EpisodesStarted);
        using (var again = new MemoryStream())
        {
            EnvState.Save(second, again);
            Assert.Equal(saved.ToArray(), again.ToArray());
        }

        PendulumChain.Step(second, 6, ref rng); // the rest of episode 2, which the loaded chain did not see begin
        PendulumChain.Step(second, 12, ref rng); // episode 3, whole
        Assert.Equal(5, second.EpisodesStarted);
        Assert.True(before.Writer.Complete(Generous));
        Assert.True(after.Writer.Complete(Generous));
        Assert.Equal([0L, 1L], before.Rendered.Select(r => r.Episode));
        Assert.Equal([3L], after.Rendered.Select(r => r.Episode));
        Assert.Equal(12, after.Rendered[0].Trajectory.Steps);
    }

    [Fact]
    public void A_state_with_a_negative_episode_count_is_rejected_and_the_chain_keeps_its_own()
    {
        var videos = new FakeVideos(_folder);
        using var env = new EpisodeVideoRecorder(PendulumChain.Make(1, AutoresetMode.SameStep, seed: 1, episodeSteps: 3), "Pendulum-v1", videos.Writer);
        env.Reset(1);
        var rng = new SimRandom(1);
        PendulumChain.Step(env, 6, ref rng);
        Assert.Equal(3, env.EpisodesStarted);
        using var saved = new MemoryStream();
        EnvState.Save(env, saved);
        var bytes = saved.ToArray();
        // The count is the last 8 bytes of the payload, just before the 8-byte checksum; write -1 there and fix the checksum.
        int count = bytes.Length - 16;
        BitConverter.GetBytes(-1L).CopyTo(bytes, count);
        BitConverter.GetBytes(System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(18, bytes.Length - 26))).CopyTo(bytes, bytes.Length - 8);
        var error = Assert.Throws<InvalidDataException>(() => EnvState.Load(env, new MemoryStream(bytes)));
        Assert.Contains("-1", error.Message);
        Assert.Equal(3, env.EpisodesStarted);
    }
}
