namespace Sim.Alignment.Corpus;

/// <summary>A dataset file that cannot be read: names the file, the line (1-based) and, when one is at fault, the field.
/// Like the other file-format errors it is an <see cref="IOException"/>: bad input, not a bug.</summary>
public sealed class DatasetFormatException : IOException
{
    /// <summary>The error for line <paramref name="line"/> of <paramref name="path"/>, field <paramref name="field"/> (or none).</summary>
    public DatasetFormatException(string path, int line, string? field, string problem, Exception? inner = null)
        : base($"{path} line {line}: {(field is null ? "" : $"field \"{field}\" ")}{problem}", inner)
    {
        Path = path;
        Line = line;
        Field = field;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The line, counted from 1.</summary>
    public int Line { get; }

    /// <summary>The field at fault, or null when the line as a whole is.</summary>
    public string? Field { get; }
}
