using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sim.Viewer.Tests;

/// <summary>Gives the test process an X display for GLFW: the existing DISPLAY, or an Xvfb server started on a free display
/// number (Xvfb -displayfd picks it) and stopped when the tests end.</summary>
public sealed class XvfbDisplay : IDisposable
{
    readonly Process? _server;

    public XvfbDisplay()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))) return;
        var psi = new ProcessStartInfo("Xvfb") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp" }) psi.ArgumentList.Add(arg);
        try
        {
            _server = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Problem = $"Xvfb could not be started ({e.Message}): run scripts/native-deps.sh test";
            return;
        }
        _server!.BeginErrorReadLine();
        var line = _server.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(20)) || string.IsNullOrWhiteSpace(line.Result))
        {
            Problem = "Xvfb did not report a display number within 20 s";
            return;
        }
        string display = ":" + line.Result.Trim();
        // GLFW reads the native environment, which Environment.SetEnvironmentVariable does not change.
        setenv("DISPLAY", display, 1);
        Environment.SetEnvironmentVariable("DISPLAY", display);
    }

    /// <summary>Why no display is available, or null.</summary>
    public string? Problem { get; }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    static extern int setenv(string name, string value, int overwrite);

    public void Dispose()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            _server.WaitForExit(5000);
        }
        _server?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DisplayCollection : ICollectionFixture<XvfbDisplay>
{
    public const string Name = "display";
}
