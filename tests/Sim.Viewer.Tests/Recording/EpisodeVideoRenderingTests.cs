using Sim.Core;
using Sim.Foundation;
using Sim.Viewer.Clips;
using Sim.Viewer.Recording;
using Sim.Viewer.Rendering;

namespace Sim.Viewer.Tests.Recording;

/// <summary>The recorder with real offscreen rendering: the chosen episodes of env 0 become MP4 files with posters.</summary>
[Collection(DisplayCollection.Name)]
public sealed class EpisodeVideoRenderingTests : IDisposable
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"sim-episode-videos-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Episodes_0_and_1_of_env_0_become_videos_with_a_frame_per_state_and_episodes_2_to_7_do_not()
    {
        var settings = new ClipSettings(Width: 64, Height: 48, Quality: RenderQuality.Fast);
        EpisodeVideoWriter writer;
        using (var env = new EpisodeVideoRecorder(PendulumChain.Make(2, AutoresetMode.SameStep, seed: 8, episodeSteps: 12), "Pendulum-v1", _folder, settings))
        {
            writer = env.Writer;
            env.Reset(8);
            var rng = new SimRandom(8);
            PendulumChain.Step(env, 8 * 12, ref rng); // episodes 0..7 end; 8 has just begun
            Assert.Equal(9, env.EpisodesStarted);
        } // disposing waits for the videos

        Assert.Null(writer.Problem);
        Assert.Equal((2, 0, 0), (writer.Written, writer.Dropped, writer.Pending));
        // Nothing else is left behind: no other episode, no staging folder, no temporary file.
        var entries = Directory.GetFileSystemEntries(_folder).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Pendulum-v1-episode-0.mp4", "Pendulum-v1-episode-0.png", "Pendulum-v1-episode-1.mp4", "Pendulum-v1-episode-1.png"], entries);
        foreach (int episode in new[] { 0, 1 })
        {
            // 12 steps: the state after the reset, then one per step.
            Assert.Equal((13, 64, 48, "h264"), ClipTests.Probe(Path.Combine(_folder, $"Pendulum-v1-episode-{episode}.mp4")));
            Assert.Equal((64, 48), ClipTests.PngSize(Path.Combine(_folder, $"Pendulum-v1-episode-{episode}.png")));
        }
    }
}
