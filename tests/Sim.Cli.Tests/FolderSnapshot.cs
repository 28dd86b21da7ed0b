using System.Security.Cryptography;

namespace Sim.Cli.Tests;

/// <summary>Every folder and file under a root with a hash of its content: two snapshots are equal when nothing under the
/// root was created, removed or changed.</summary>
internal static class FolderSnapshot
{
    /// <summary>Relative path → content hash (<c>dir</c> for folders), sorted by path.</summary>
    public static SortedDictionary<string, string> Take(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string dir in Directory.GetDirectories(root, "*", SearchOption.AllDirectories))
            entries[Path.GetRelativePath(root, dir)] = "dir";
        foreach (string file in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
            entries[Path.GetRelativePath(root, file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        return entries;
    }

    /// <summary>Asserts <paramref name="after"/> equals <paramref name="before"/>, listing what differs.</summary>
    public static void AssertUnchanged(SortedDictionary<string, string> before, SortedDictionary<string, string> after, string context)
    {
        var added = after.Keys.Except(before.Keys).ToList();
        var removed = before.Keys.Except(after.Keys).ToList();
        var changed = before.Keys.Intersect(after.Keys).Where(k => before[k] != after[k]).ToList();
        Assert.True(added.Count + removed.Count + changed.Count == 0,
            $"the command changed its folder: added [{string.Join(", ", added)}], removed [{string.Join(", ", removed)}], changed [{string.Join(", ", changed)}]\n{context}");
    }
}
