using System.Diagnostics;
using System.Reflection;

namespace Sim.Learning.Tests;

/// <summary>Finds and starts another program of the repository (built through this test project's project references)
/// as a child process on the runtime these tests run on.</summary>
internal static class SiblingProgram
{
    /// <summary>The dotnet host that runs these tests, so the child uses the same runtime.</summary>
    public static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? self = Environment.ProcessPath;
        if (self != null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    /// <summary>A start description for <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> with both output streams redirected.</summary>
    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    /// <summary>
    /// <paramref name="assemblyFile"/> in the build output of the project folder <paramref name="projectFolder"/> (relative to
    /// the repository root, e.g. <c>src/Sim.Cli</c>), in the configuration and target framework of these tests; found by
    /// walking up from this assembly's folder to the repository.
    /// </summary>
    public static string FindDll(string projectFolder, string assemblyFile)
    {
        // This assembly is at <repo>/tests/Sim.Learning.Tests/bin/<configuration>/<tfm>/.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = output.Name;
        string configuration = output.Parent?.Name
            ?? typeof(SiblingProgram).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = output; dir != null; dir = dir.Parent)
        {
            string project = Path.Combine(dir.FullName, projectFolder);
            if (!Directory.Exists(project)) continue;
            string dll = Path.Combine(project, "bin", configuration, tfm, assemblyFile);
            if (File.Exists(dll)) return dll;
            throw new FileNotFoundException($"{dll} does not exist: build {projectFolder} in {configuration} "
                + "(building this test project builds it through its project reference)", dll);
        }
        throw new DirectoryNotFoundException($"no {projectFolder} above {output.FullName}: expected the tests inside the repository");
    }
}
