namespace Sim.Fuzz;

/// <summary>One file loader under fuzzing: it is fed arbitrary bytes and may reject them only with the exceptions its
/// documentation promises; any other exception, a hang or a crash is a bug in the loader.</summary>
public abstract class FuzzTarget : IDisposable
{
    /// <summary>Creates the target with a private scratch folder for loaders that read from a path.</summary>
    protected FuzzTarget()
    {
        ScratchDirectory = Directory.CreateTempSubdirectory("sim-fuzz-").FullName;
    }

    /// <summary>The name that selects this target on the command line (e.g. <c>trajectory</c>).</summary>
    public abstract string Name { get; }

    /// <summary>What a rejected input looks like, for the harness's usage text.</summary>
    public abstract string DocumentedRejection { get; }

    /// <summary>A folder only this target writes to; removed on dispose.</summary>
    protected string ScratchDirectory { get; }

    /// <summary>Valid inputs the fuzzer mutates, each with a file name for the seed corpus.</summary>
    public abstract IReadOnlyList<FuzzSeed> Seeds();

    /// <summary>Feeds <paramref name="input"/> to the loader: true when it was accepted, false when it was rejected with a
    /// documented exception. Every other exception propagates: that is what the fuzzer reports as a crash.</summary>
    public bool Run(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            Load(input);
            return true;
        }
        catch (Exception e) when (IsDocumentedRejection(e))
        {
            return false;
        }
    }

    /// <summary>Loads <paramref name="input"/> the way the product loads the file.</summary>
    protected abstract void Load(byte[] input);

    /// <summary>Whether <paramref name="e"/> is one of the exceptions the loader documents for bad input.</summary>
    protected abstract bool IsDocumentedRejection(Exception e);

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(ScratchDirectory, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

/// <summary>One seed input: a file name for the corpus folder and its bytes.</summary>
public sealed record FuzzSeed(string Name, byte[] Bytes);
