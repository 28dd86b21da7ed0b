namespace Sim.Core.Trajectories;

/// <summary>A trajectory file that cannot be read: not a trajectory file, truncated, corrupt, or of an unsupported schema version.</summary>
/// <remarks>An <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed; the inner exception, if any, is the decoder's.</remarks>
public sealed class TrajectoryFileException : IOException
{
    /// <summary>Reports that <paramref name="path"/> cannot be read because of <paramref name="problem"/>.</summary>
    public TrajectoryFileException(string path, string problem, Exception? inner = null)
        : base($"trajectory file '{path}': {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>What was wrong with it, without the file name.</summary>
    public string Problem { get; }
}
