namespace Sim.Foundation;

/// <summary>Replaces a file as one step: readers and crashes see the old file or the complete new one, never part of one.
/// Every file Sim writes that must survive a crash goes through here.</summary>
public static class AtomicFile
{
    /// <summary>Writes the file through <paramref name="write"/> into a temporary file beside it, flushes it to disk, then
    /// renames it over <paramref name="path"/>. The temporary file is removed when <paramref name="write"/> throws.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Replace(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
            // Without this, a power cut after the rename can leave a renamed but empty file on some file systems.
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>Like <see cref="Write"/>, for writers that need a file name rather than a stream (an external encoder such
    /// as ffmpeg): <paramref name="writeFile"/> creates the file at the temporary path it is given, which is then flushed
    /// to disk and renamed over <paramref name="path"/>.</summary>
    /// <exception cref="IOException"><paramref name="writeFile"/> returned without creating the file.</exception>
    public static void WriteFile(string path, Action<string> writeFile)
    {
        ArgumentNullException.ThrowIfNull(writeFile);
        Replace(path, temp =>
        {
            writeFile(temp);
            if (!File.Exists(temp)) throw new IOException($"writing '{path}' created no file");
            using var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            stream.Flush(flushToDisk: true);
        });
    }

    static void Replace(string path, Action<string> writeTemp)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"path '{path}' names no file", nameof(path));
        Directory.CreateDirectory(directory);
        // Beside the target, so that the rename stays within one file system (a cross-device move is a copy).
        string temp = TempPathFor(full);
        try
        {
            writeTemp(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> atomically to <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) atomically to <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A unique hidden name beside <paramref name="fullPath"/> for its temporary copy.</summary>
    public static string TempPathFor(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
}
