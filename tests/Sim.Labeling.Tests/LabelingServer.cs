using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sim.Labeling.Tests;

/// <summary>A <c>sim label</c> (or <c>sim train --teacher human</c>) child process serving the labeling page, with the
/// address and the labeler tokens it printed.</summary>
internal sealed partial class LabelingServer : IDisposable
{
    // Generous: a safety net on a busy machine, not a timing assertion.
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    readonly Process _process;
    readonly List<string> _stdout = [];
    readonly List<string> _stderr = [];
    readonly object _gate = new();

    LabelingServer(Process process, IReadOnlyList<string> args)
    {
        _process = process;
        Args = args;
    }

    /// <summary>The command line, for messages.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>The site's address, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Tokens of the labelers the command added, by name.</summary>
    public Dictionary<string, string> Tokens { get; } = [];

    /// <summary>Everything printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate) return $"`sim {string.Join(' ', Args)}`\n--- stdout ---\n{string.Join('\n', _stdout)}\n--- stderr ---\n{string.Join('\n', _stderr)}";
        }
    }

    /// <summary>What the command printed on standard error.</summary>
    public string Stderr
    {
        get
        {
            lock (_gate) return string.Join('\n', _stderr);
        }
    }

    /// <summary>Starts <c>sim <paramref name="args"/></c> in <paramref name="workingDirectory"/> and waits until it prints its
    /// address and the page address of <paramref name="labelers"/> labelers.</summary>
    public static LabelingServer Start(string workingDirectory, int labelers, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = SimCli.StartInfo(workingDirectory, args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start sim");
        var server = new LabelingServer(process, args);
        process.OutputDataReceived += (_, e) => server.Add(server._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(server._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        server.WaitFor(() => server.Url.Length > 0 && server.Tokens.Count >= labelers, StartTimeout, "its address and labeler tokens");
        return server;
    }

    void Add(List<string> lines, string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            lines.Add(line);
            if (SiteLine().Match(line) is { Success: true } site) Url = site.Groups[1].Value;
            if (LabelerLine().Match(line) is { Success: true } labeler) Tokens[labeler.Groups[1].Value] = labeler.Groups[2].Value;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked whenever a line is printed, and every second).</summary>
    public void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (!condition())
            {
                if (_process.HasExited) Assert.Fail($"sim exited with {_process.ExitCode} before printing {what}\n{Output}");
                if (DateTime.UtcNow > deadline) Assert.Fail($"sim did not print {what} within {timeout.TotalSeconds:0} s\n{Output}");
                Monitor.Wait(_gate, TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) Assert.Fail($"sim still running after {timeout.TotalSeconds:0} s\n{Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends SIGKILL: the process gets no chance to flush or close anything.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>Ends the process and its encoders (SIGKILL, since a test has no use for its shutdown) and releases it.</summary>
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }

    [GeneratedRegex(@"^labeling site: (http://\S+)")]
    private static partial Regex SiteLine();

    [GeneratedRegex(@"^labeler (\S+): http://\S+/\?token=([A-Za-z0-9_-]+)")]
    private static partial Regex LabelerLine();
}
