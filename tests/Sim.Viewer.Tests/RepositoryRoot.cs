namespace Sim.Viewer.Tests;

/// <summary>Finds the repository root (the folder holding Sim.sln) from the test's output folder.</summary>
static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sim.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Sim.sln not found above " + AppContext.BaseDirectory);
    }
}
