using System.Globalization;

namespace Sim.Cli.Tests;

/// <summary>The checkpoints of a run folder, found by their folder names (<c>checkpoints/step_000000004096</c>) as a user
/// would, without the checkpoint store under test.</summary>
internal static class CheckpointFolders
{
    /// <summary>The complete checkpoint folders (those with a manifest), by step.</summary>
    public static SortedDictionary<long, string> All(string run)
    {
        var found = new SortedDictionary<long, string>();
        string folder = Path.Combine(run, "checkpoints");
        if (!Directory.Exists(folder)) return found;
        foreach (string path in Directory.GetDirectories(folder, "step_*"))
        {
            if (File.Exists(Path.Combine(path, "manifest.json"))
                && long.TryParse(Path.GetFileName(path)["step_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long step))
                found[step] = path;
        }
        return found;
    }

    /// <summary>The step of the newest checkpoint, or null without one.</summary>
    public static long? LatestStep(string run) => All(run) is { Count: > 0 } all ? all.Keys.Last() : null;

    /// <summary>The folder of the newest checkpoint.</summary>
    public static string Latest(string run) => All(run).Values.Last();
}
