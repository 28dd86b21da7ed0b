using System.Diagnostics;

namespace Sim.Cli.Tests;

/// <summary>Runs the built <c>sim</c> tool (src/Sim.Cli) as a child process and captures its exit code and output.</summary>
internal static class SimCli
{
    const string ProjectName = "Sim.Cli";
    const string AssemblyFile = "sim.dll";

    // Generous: a safety net against a hung child on a busy machine, not a timing assertion.
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    static readonly Lazy<string> Dll = new(() => SiblingProgram.FindDll("src/" + ProjectName, AssemblyFile));

    /// <summary>The folder of the built sim.dll and its dependencies.</summary>
    public static string OutputFolder => Path.GetDirectoryName(Dll.Value)!;

    /// <summary>How to start <c>sim <paramref name="args"/></c> in <paramref name="workingDirectory"/>, with both output streams redirected.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        var info = SiblingProgram.StartInfo(Dll.Value, args);
        info.WorkingDirectory = workingDirectory;
        // Plain text whatever console the tests run under.
        info.Environment["NO_COLOR"] = "1";
        // Error logs of failing commands go beside the tests' other temporary files, not loose in the system temp folder.
        info.Environment["TMPDIR"] = LogFolder.Value;
        return info;
    }

    static readonly Lazy<string> LogFolder = new(() =>
    {
        string folder = Directory.CreateTempSubdirectory("sim-cli-tests-logs-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    });

    /// <summary>Runs <c>sim <paramref name="args"/></c> in <paramref name="workingDirectory"/> and waits for it to end.</summary>
    public static CliResult Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Runs <c>sim <paramref name="args"/></c> with <paramref name="environment"/> added to the child's environment.</summary>
    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = StartInfo(workingDirectory, args);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Dll.Value}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the timeout and the kill.
            }
            process.WaitForExit();
            Assert.Fail($"`sim {string.Join(' ', args)}` was still running after {Timeout.TotalMinutes:0} minutes and was killed\n"
                + $"--- stdout ---\n{stdout.Result}\n--- stderr ---\n{stderr.Result}");
        }
        // The timed wait does not wait for the redirected streams; this one does.
        process.WaitForExit();
        return new CliResult(args, process.ExitCode, stdout.Result, stderr.Result);
    }
}
