namespace Sim.Rewards.Labels;

/// <summary>A label store file that cannot be used: not an SQLite database, not a label store, of an unsupported schema
/// version, or unreadable.</summary>
public sealed class LabelStoreException : IOException
{
    /// <summary>Reports that <paramref name="path"/> cannot be used because of <paramref name="problem"/>.</summary>
    public LabelStoreException(string path, string problem, Exception? inner = null)
        : base($"label store '{path}': {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file that could not be used.</summary>
    public string FilePath { get; }

    /// <summary>What was wrong with it, without the file name.</summary>
    public string Problem { get; }
}
