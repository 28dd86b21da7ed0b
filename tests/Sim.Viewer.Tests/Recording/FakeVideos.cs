using Sim.Core.Trajectories;
using Sim.Viewer.Recording;

namespace Sim.Viewer.Tests.Recording;

/// <summary>An <see cref="EpisodeVideoWriter"/> whose "rendering" only notes which episode it got and how long it was,
/// optionally after <see cref="BeforeRender"/> runs on the rendering thread.</summary>
sealed class FakeVideos
{
    readonly List<(long Episode, Trajectory Trajectory)> _rendered = [];

    public FakeVideos(string folder, int capacity = 8) =>
        Writer = new EpisodeVideoWriter(folder, capacity, (trajectory, episode) =>
        {
            BeforeRender?.Invoke(episode);
            lock (_rendered) _rendered.Add((episode, trajectory));
        });

    public EpisodeVideoWriter Writer { get; }

    /// <summary>Runs on the rendering thread before each episode is noted.</summary>
    public Action<long>? BeforeRender { get; set; }

    /// <summary>The episodes rendered so far, in order.</summary>
    public List<(long Episode, Trajectory Trajectory)> Rendered
    {
        get
        {
            lock (_rendered) return [.. _rendered];
        }
    }
}
