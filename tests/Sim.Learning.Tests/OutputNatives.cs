namespace Sim.Learning.Tests;

/// <summary>Locates native libraries that the build copied next to the test assemblies.</summary>
internal static class OutputNatives
{
    /// <summary>The output copy of libLibTorchSharp.so (under runtimes/&lt;rid&gt;/native/ for a build without a RuntimeIdentifier).</summary>
    public static string TorchSharpGlue()
    {
        string[] found = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.True(found.Length > 0, $"no libLibTorchSharp.so under {AppContext.BaseDirectory}");
        return found[0];
    }
}
