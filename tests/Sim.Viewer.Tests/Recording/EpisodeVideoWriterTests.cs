using Sim.Core;
using Sim.Foundation;
using Sim.Viewer.Gl;
using Sim.Viewer.Recording;

namespace Sim.Viewer.Tests.Recording;

/// <summary>The writer's queue and thread: a full queue drops episodes instead of holding up the env, and a rendering
/// failure stops capture once without reaching the caller.</summary>
public sealed class EpisodeVideoWriterTests : IDisposable
{
    // A safety net against a hung test, not a timing assertion.
    static readonly TimeSpan Generous = TimeSpan.FromMinutes(1);
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"sim-video-writer-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Episodes_that_find_the_queue_full_are_dropped_and_stepping_goes_on()
    {
        using var rendering = new SemaphoreSlim(0);
        using var gate = new ManualResetEventSlim(false);
        var videos = new FakeVideos(_folder, capacity: 1)
        {
            BeforeRender = _ =>
            {
                rendering.Release();
                gate.Wait();
            },
        };
        using var env = new EpisodeVideoRecorder(PendulumChain.Make(1, AutoresetMode.SameStep, seed: 2, episodeSteps: 3), "Pendulum-v1", videos.Writer, VideoSchedule.Every(1));
        env.Reset(2);
        var rng = new SimRandom(3);
        PendulumChain.Step(env, 3, ref rng); // episode 0 ends and goes to the rendering thread, which then waits at the gate
        Assert.True(rendering.Wait(Generous), "the rendering thread never took episode 0");

        // Episode 1 takes the one place in the queue; 2, 3, 4 and 5 find it full.
        Exception? failure = null;
        var stepping = new Thread(() =>
        {
            try
            {
                var r = new SimRandom(4);
                PendulumChain.Step(env, 15, ref r);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        stepping.Start();
        Assert.True(stepping.Join(Generous), "Step waited for the renderer");
        Assert.Null(failure);
        Assert.Equal(4, videos.Writer.Dropped);
        Assert.Equal(2, videos.Writer.Pending);
        Assert.Equal(0, videos.Writer.Written);

        gate.Set();
        Assert.True(videos.Writer.Complete(Generous));
        Assert.Equal([0L, 1L], videos.Rendered.Select(r => r.Episode));
        Assert.Equal((2, 4, 0), (videos.Writer.Written, videos.Writer.Dropped, videos.Writer.Pending));
        Assert.Null(videos.Writer.Problem);
    }

    [Fact]
    public void Unavailable_rendering_is_reported_once_and_ends_capture_without_reaching_the_env()
    {
        int attempts = 0;
        var reports = new List<string>();
        using var reported = new ManualResetEventSlim(false);
        var writer = new EpisodeVideoWriter(_folder, capacity: 4, (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new RenderingUnavailableException("no EGL display: install libegl1");
        });
        writer.Stopped += reason =>
        {
            lock (reports) reports.Add(reason);
            reported.Set();
        };
        using var env = new EpisodeVideoRecorder(PendulumChain.Make(1, AutoresetMode.SameStep, seed: 5, episodeSteps: 2), "Pendulum-v1", writer, VideoSchedule.Every(1));
        env.Reset(5);
        var rng = new SimRandom(5);
        PendulumChain.Step(env, 2, ref rng);
        Assert.True(reported.Wait(Generous), "the failure was never reported");
        int droppedWhenStopped = writer.Dropped;

        PendulumChain.Step(env, 20, ref rng); // ten more episodes, none of them filmed
        Assert.True(writer.Complete(Generous));
        Assert.Equal(1, attempts);
        Assert.Single(reports);
        Assert.Contains("offscreen rendering is unavailable", reports[0]);
        Assert.Contains("install libegl1", reports[0]);
        Assert.Equal(reports[0], writer.Problem);
        Assert.True(writer.IsStopped);
        Assert.Equal(0, writer.Written);
        Assert.Equal(1, droppedWhenStopped); // episode 0, whose rendering failed
        Assert.Equal(droppedWhenStopped, writer.Dropped);
        Assert.Equal(12, env.EpisodesStarted);
    }

    [Fact]
    public void A_completed_writer_refuses_episodes_and_can_be_completed_and_disposed_again()
    {
        var (trajectory, _) = Rollouts.Record("Pendulum-v1", 3);
        var rendered = new List<long>();
        var writer = new EpisodeVideoWriter(_folder, capacity: 2, (_, episode) => rendered.Add(episode));
        Assert.True(writer.TryAdd(trajectory, 0));
        Assert.True(writer.Complete(Generous));
        Assert.False(writer.TryAdd(trajectory, 1));
        Assert.True(writer.Complete(Generous));
        writer.Dispose();
        writer.Dispose();
        Assert.True(writer.Complete(Generous));
        Assert.Equal([0L], rendered);
        Assert.Equal((1, 1, 0), (writer.Written, writer.Dropped, writer.Pending));
    }

    [Fact]
    public void Videos_are_named_after_the_env_and_the_episode()
    {
        using var writer = new EpisodeVideoWriter(_folder, capacity: 1, (_, _) => { });
        Assert.Equal(Path.Combine(Path.GetFullPath(_folder), "Hopper-v1-episode-27.mp4"), writer.VideoPath("Hopper-v1", 27));
        Assert.Equal(Path.Combine(Path.GetFullPath(_folder), "Hopper-v1-episode-27.png"), writer.PosterPath("Hopper-v1", 27));
        Assert.True(Directory.Exists(_folder));
    }
}
