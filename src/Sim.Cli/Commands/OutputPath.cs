namespace Sim.Cli.Commands;

/// <summary>Checks, before a command does any work, that the file or folder it will write can be written: an output that
/// fails only at the end would throw away everything computed before it.</summary>
public static class OutputPath
{
    /// <summary>Throws, naming <paramref name="option"/>, unless <paramref name="file"/> is a file path in a folder that exists
    /// or can be made, and that this process can write in.</summary>
    public static void RequireWritableFile(string option, FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (Directory.Exists(file.FullName)) throw new ArgumentException($"{option} '{file.FullName}' is a folder: expected a file path");
        RequireWritableFolder(option, file.FullName, Path.GetDirectoryName(file.FullName));
    }

    /// <summary>Throws, naming <paramref name="option"/>, unless <paramref name="folder"/> exists or can be made, and this
    /// process can write in it.</summary>
    public static void RequireWritableFolder(string option, DirectoryInfo folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        RequireWritableFolder(option, folder.FullName, folder.FullName);
    }

    static void RequireWritableFolder(string option, string given, string? folder)
    {
        // The missing folders on the way would be created, so the nearest existing one must be a folder we can write in.
        string? existing = folder;
        while (existing != null && !Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new ArgumentException($"{option} '{given}': '{existing}' is a file, expected a folder");
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null) throw new ArgumentException($"{option} '{given}': no folder on that path exists: expected a writable location");
        // Permissions, read-only mounts and pseudo file systems (/sys, /proc) all show in one honest test: making a file.
        string probe = Path.Combine(existing, $".sim-write-check-{Guid.NewGuid():N}");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option} '{given}' cannot be written: {e.Message.TrimEnd('.')} in '{existing}': expected a writable location", e);
        }
    }
}
