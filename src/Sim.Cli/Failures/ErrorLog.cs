using System.Globalization;
using System.Text;

namespace Sim.Cli.Failures;

/// <summary>Where <c>sim</c> writes the full details of a failure: the run folder of the command when it has one, else the
/// temp folder, so that the one line printed can stay short and still point at the trace.</summary>
public static class ErrorLog
{
    /// <summary>File name of the log inside a run folder; failures are appended, so earlier ones stay readable.</summary>
    public const string RunFileName = "errors.log";

    static string? _runFolder;

    /// <summary>Sends later failures to <paramref name="runFolder"/> (a run a command is writing), or back to the temp folder with null.</summary>
    public static void UseRunFolder(string? runFolder) => _runFolder = runFolder;

    /// <summary>Appends <paramref name="failure"/> with its trace and the command line to the log, and returns the log's path;
    /// null when even the temp folder cannot be written, as the failure itself must still be reported.</summary>
    public static string? Write(Exception failure, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var text = new StringBuilder()
            .Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append(" sim ").AppendJoin(' ', args).Append('\n')
            .Append(failure).Append("\n\n")
            .ToString();
        foreach (string path in Candidates())
        {
            try
            {
                File.AppendAllText(path, text, new UTF8Encoding(false));
                return path;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A run folder on a full or read-only disk: fall back to the temp folder.
            }
        }
        return null;
    }

    static IEnumerable<string> Candidates()
    {
        if (_runFolder is { } folder && Directory.Exists(folder)) yield return Path.Combine(folder, RunFileName);
        string stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        yield return Path.Combine(Path.GetTempPath(), $"sim-error-{stamp}-{Environment.ProcessId}.log");
    }
}
