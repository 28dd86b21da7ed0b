using Sim.Core.Trajectories;

namespace Sim.Viewer.Replay;

/// <summary>Reads the trajectories to replay or clip from a trajectory file, with messages that name the file and the problem.</summary>
public static class ReplayFile
{
    /// <summary>Every trajectory in <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TrajectoryFileException">The file is not a trajectory file, or is truncated or corrupt.</exception>
    public static IReadOnlyList<Trajectory> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"trajectory file '{path}' does not exist: expected a file written by a trajectory recorder (e.g. `sim eval --record`)", path);
        return TrajectoryFile.Read(path);
    }
}
