using Sim.Foundation;
using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;

namespace Sim.Learning.Runs;

/// <summary>A run's <c>checkpoints/</c> folder: saves checkpoints atomically, finds the latest and keeps only the last few.</summary>
/// <remarks>
/// <para>Each checkpoint is a folder <c>step_000000123456/</c> holding one file per part and a <c>manifest.json</c>
/// listing every part with its kind, length and XxHash64. It is written as a hidden <c>.step_….tmp</c> folder, every
/// file flushed to disk, the manifest last, and then renamed into place: a folder with a <c>step_</c> name is
/// therefore always complete, and a save that fails or is killed midway leaves only a temporary folder that is
/// ignored (and removed by the next save), so the previous checkpoint stays the latest.</para>
/// <para>The newest checkpoint is found by scanning for the highest step rather than by trusting a pointer; the
/// <c>latest</c> file (the newest folder's name) is written for people and scripts. Saving the step of an existing
/// checkpoint replaces it, which is two renames: a crash between them loses that one checkpoint, not older ones.</para>
/// <para>One process saves at a time; any number may read.</para>
/// </remarks>
public sealed class CheckpointStore
{
    /// <summary>Checkpoints kept by default.</summary>
    public const int DefaultKeepLast = 3;

    /// <summary>The table of contents inside each checkpoint folder.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The file holding the name of the newest checkpoint folder.</summary>
    public const string LatestFileName = "latest";

    private const string Prefix = "step_";

    /// <summary>Opens (without creating) the store in <paramref name="directory"/>, keeping the last <paramref name="keepLast"/> checkpoints on save.</summary>
    public CheckpointStore(string directory, int keepLast = DefaultKeepLast)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (keepLast < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(keepLast), keepLast, "checkpoints to keep must be >= 1");
        }
        Directory = Path.GetFullPath(directory);
        KeepLast = keepLast;
    }

    /// <summary>Absolute path of the checkpoints folder.</summary>
    public string Directory { get; }

    /// <summary>How many of the newest checkpoints a save keeps; older ones are deleted.</summary>
    public int KeepLast { get; }

    /// <summary>The folder name of the checkpoint at <paramref name="step"/>.</summary>
    public static string FolderName(long step) => Prefix + step.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>The path of the checkpoint at <paramref name="step"/> (whether or not it exists).</summary>
    public string PathOf(long step) => Path.Combine(Directory, FolderName(step));

    /// <summary>Steps of the complete checkpoints, ascending.</summary>
    public IReadOnlyList<long> Steps()
    {
        var steps = new List<long>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return steps;
        }
        foreach (string path in System.IO.Directory.EnumerateDirectories(Directory, Prefix + "*"))
        {
            if (TryParseStep(Path.GetFileName(path), out long step) && File.Exists(Path.Combine(path, ManifestFileName)))
            {
                steps.Add(step);
            }
        }
        steps.Sort();
        return steps;
    }

    /// <summary>The checkpoint with the highest step, or null when there is none. A corrupt newest checkpoint is an error, not skipped.</summary>
    public Checkpoint? Latest()
    {
        IReadOnlyList<long> steps = Steps();
        return steps.Count == 0 ? null : Checkpoint.Open(PathOf(steps[^1]));
    }

    /// <summary>The newest checkpoint that opens and whose every part matches its hash, and the newer ones passed over
    /// because they are damaged (newest first); null when none is intact. Reading every part is the price of never
    /// loading half of a damaged checkpoint into a trainer.</summary>
    public (Checkpoint? Checkpoint, IReadOnlyList<DamagedCheckpoint> Damaged) NewestIntact()
    {
        var damaged = new List<DamagedCheckpoint>();
        IReadOnlyList<long> steps = Steps();
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            string path = PathOf(steps[i]);
            try
            {
                Checkpoint checkpoint = Checkpoint.Open(path);
                checkpoint.VerifyAllParts();
                return (checkpoint, damaged);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                damaged.Add(new DamagedCheckpoint(path, steps[i], e.Message));
            }
        }
        return (null, damaged);
    }

    /// <summary>Opens the checkpoint at <paramref name="step"/>; a missing one is a <see cref="DirectoryNotFoundException"/> listing the steps that exist.</summary>
    public Checkpoint Open(long step)
    {
        string path = PathOf(step);
        if (!System.IO.Directory.Exists(path))
        {
            IReadOnlyList<long> steps = Steps();
            string existing = steps.Count == 0 ? "there are none" : "existing steps: " + string.Join(", ", steps);
            throw new DirectoryNotFoundException($"checkpoint '{path}' does not exist: no checkpoint at step {step} ({existing})");
        }
        return Checkpoint.Open(path);
    }

    /// <summary>
    /// Writes <paramref name="contents"/> as the checkpoint of <paramref name="step"/>, then deletes checkpoints beyond
    /// <see cref="KeepLast"/>. If writing throws, the exception propagates and no checkpoint is changed.
    /// </summary>
    public Checkpoint Save(long step, CheckpointContents contents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentNullException.ThrowIfNull(contents);
        System.IO.Directory.CreateDirectory(Directory);
        RemoveLeftovers();

        string name = FolderName(step);
        string temp = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(temp);
            var entries = new List<CheckpointManifestEntry>();
            foreach (CheckpointPart part in contents.Parts)
            {
                entries.Add(WritePart(temp, part));
            }
            var manifest = new CheckpointManifest
            {
                Format = CheckpointManifest.CurrentFormat,
                Step = step,
                CreatedUtc = DateTimeOffset.UtcNow,
                Parts = entries,
            };
            using (var stream = new FileStream(Path.Combine(temp, ManifestFileName), FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, manifest, RunConfigFile.Options);
                stream.Flush(flushToDisk: true);
            }

            string final = Path.Combine(Directory, name);
            if (System.IO.Directory.Exists(final))
            {
                string replaced = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.deleting");
                System.IO.Directory.Move(final, replaced);
                System.IO.Directory.Move(temp, final);
                System.IO.Directory.Delete(replaced, recursive: true);
            }
            else
            {
                System.IO.Directory.Move(temp, final);
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(temp))
            {
                TryDeleteDirectory(temp);
            }
        }

        AtomicFile.WriteAllBytes(Path.Combine(Directory, LatestFileName), System.Text.Encoding.UTF8.GetBytes(name + "\n"));
        Prune();
        return Checkpoint.Open(PathOf(step));
    }

    private static CheckpointManifestEntry WritePart(string folder, CheckpointPart part)
    {
        string path = Path.Combine(folder, part.FileName);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
        {
            part.Write(stream);
            stream.Flush(flushToDisk: true);
        }
        // Hashed from the file rather than while writing, so that part writers may seek (e.g. to fill in a header).
        (long length, string hash) = HashFile(path);
        return new CheckpointManifestEntry(part.Name, part.Kind, part.FileName, length, hash);
    }

    /// <summary>The length and XxHash64 (hex) of the file at <paramref name="path"/>.</summary>
    internal static (long Length, string Hash) HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var hash = new XxHash64();
        hash.Append(stream);
        return (stream.Length, Convert.ToHexStringLower(hash.GetCurrentHash()));
    }

    private void Prune()
    {
        IReadOnlyList<long> steps = Steps();
        for (int i = 0; i < steps.Count - KeepLast; i++)
        {
            string path = PathOf(steps[i]);
            // Renamed first, so that a deletion cut short never leaves a step_ folder with half its files.
            string doomed = Path.Combine(Directory, $".{FolderName(steps[i])}.{Guid.NewGuid():N}.deleting");
            System.IO.Directory.Move(path, doomed);
            TryDeleteDirectory(doomed);
        }
    }

    // Temporary and half-deleted folders left by a save or prune that was killed; only a saver calls this.
    private void RemoveLeftovers()
    {
        foreach (string path in System.IO.Directory.EnumerateDirectories(Directory, "." + Prefix + "*"))
        {
            if (path.EndsWith(".tmp", StringComparison.Ordinal) || path.EndsWith(".deleting", StringComparison.Ordinal))
            {
                TryDeleteDirectory(path);
            }
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Hidden leftovers are harmless and retried by the next save.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    internal static bool TryParseStep(string folderName, out long step)
    {
        step = 0;
        return folderName.StartsWith(Prefix, StringComparison.Ordinal)
            && folderName.Length > Prefix.Length
            && long.TryParse(folderName.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out step);
    }
}
