namespace Sim.Rewards.Serialization;

/// <summary>Thrown when a reward model file cannot be read: it is truncated, corrupt, of another version or kind, or
/// does not match the model it is loaded into. The message names the file and the problem.</summary>
public sealed class RewardModelFormatException : IOException
{
    /// <summary>Reports <paramref name="problem"/> in the file at <paramref name="path"/>.</summary>
    public RewardModelFormatException(string path, string problem, Exception? inner = null)
        : base($"reward model file '{path}': {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
