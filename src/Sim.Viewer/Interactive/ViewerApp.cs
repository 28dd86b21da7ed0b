using Sim.Core.Trajectories;
using Sim.Viewer.Gl;
using Sim.Viewer.Rendering;
using Sim.Viewer.Replay;

namespace Sim.Viewer.Interactive;

/// <summary>Opens viewer windows ready to run: the live viewer over a <see cref="LiveSimulation"/>, or the replay viewer
/// over a trajectory file.</summary>
public static class ViewerApp
{
    /// <summary>Opens the live viewer on <paramref name="simulation"/>, which the window then owns (it is disposed also when
    /// opening fails).</summary>
    /// <exception cref="RenderingUnavailableException">No display or no OpenGL; the message says how to fix it.</exception>
    public static ViewerWindow OpenLive(LiveSimulation simulation, string outputDirectory, Action? beforeStep = null, int width = 1200, int height = 800,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        try
        {
            return Open($"sim view · {simulation.EnvId}", simulation.EnvId, simulation.EnvArgs, width, height, environment,
                (stage, renderer) => new LiveViewController(simulation, stage, renderer, outputDirectory, beforeStep));
        }
        catch
        {
            simulation.Dispose();
            throw;
        }
    }

    /// <summary>Reads the trajectories of <paramref name="path"/>, checks <paramref name="episode"/>, and opens the replay viewer on it.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TrajectoryFileException">The file is not a trajectory file, or is truncated or corrupt.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The episode is not in the file.</exception>
    /// <exception cref="RenderingUnavailableException">No display or no OpenGL.</exception>
    public static ViewerWindow OpenReplay(string path, int episode, string outputDirectory, int width = 1200, int height = 800,
        Func<string, string?>? environment = null)
    {
        var episodes = ReplayFile.Read(path);
        ReplayController.CheckEpisode(episode, episodes.Count);
        return OpenReplay(episodes, episode, outputDirectory, width, height, environment);
    }

    /// <summary>Opens the replay viewer on <paramref name="episodes"/> at episode <paramref name="episode"/>.</summary>
    public static ViewerWindow OpenReplay(IReadOnlyList<Trajectory> episodes, int episode, string outputDirectory, int width = 1200, int height = 800,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        ReplayController.CheckEpisode(episode, episodes.Count);
        string envId = episodes[episode].EnvId;
        return Open($"sim replay · {envId}", envId, episodes[episode].EnvArgs, width, height, environment,
            (stage, renderer) => new ReplayController(episodes, episode, stage, renderer, outputDirectory));
    }

    static ViewerWindow Open(string title, string envId, IReadOnlyDictionary<string, string> envArgs, int width, int height,
        Func<string, string?>? environment,
        Func<TrajectoryScene, MjRenderer, ViewerController> controller)
    {
        var window = ViewerWindow.Open(title, width, height, environment);
        TrajectoryScene? stage = null;
        MjRenderer? renderer = null;
        try
        {
            stage = TrajectoryScene.ForEnv(envId, envArgs);
            var (w, h) = window.Window.FramebufferSize;
            renderer = new MjRenderer(stage.Model, window.Window, ownsContext: false, Math.Max(w, 64), Math.Max(h, 64));
            window.Controller = controller(stage, renderer);
            return window;
        }
        catch
        {
            renderer?.Dispose();
            stage?.Dispose();
            window.Dispose();
            throw;
        }
    }
}
