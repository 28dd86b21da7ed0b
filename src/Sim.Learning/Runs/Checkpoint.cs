using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Runs;

/// <summary>A saved checkpoint, opened for loading its parts back into modules, optimizers and byte blobs.</summary>
/// <remarks>
/// Opening reads the manifest and checks that every listed file exists with the listed length; each part's hash is
/// checked when that part is read, so a large part that is never read is never hashed. Every problem is an
/// <see cref="InvalidDataException"/> that names the checkpoint folder, the part and what is wrong.
/// </remarks>
public sealed class Checkpoint
{
    private readonly Dictionary<string, CheckpointManifestEntry> _parts;

    private Checkpoint(string path, CheckpointManifest manifest)
    {
        Path = path;
        Step = manifest.Step;
        CreatedUtc = manifest.CreatedUtc;
        PartNames = manifest.Parts.Select(p => p.Name).ToArray();
        _parts = manifest.Parts.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>Absolute path of the checkpoint folder.</summary>
    public string Path { get; }

    /// <summary>The training step the checkpoint was saved at.</summary>
    public long Step { get; }

    /// <summary>When the checkpoint was written.</summary>
    public DateTimeOffset CreatedUtc { get; }

    /// <summary>The names of the parts, in the order they were saved.</summary>
    public IReadOnlyList<string> PartNames { get; }

    /// <summary>Whether the checkpoint has a part called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _parts.ContainsKey(name);

    /// <summary>The kind of the part called <paramref name="name"/>.</summary>
    public CheckpointPartKind KindOf(string name) => Entry(name).Kind;

    /// <summary>Opens the checkpoint folder at <paramref name="path"/> and checks its manifest and files.</summary>
    public static Checkpoint Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"checkpoint '{full}' does not exist");
        }
        string manifestPath = System.IO.Path.Combine(full, CheckpointStore.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidDataException(
                $"checkpoint '{full}' has no {CheckpointStore.ManifestFileName}: it is incomplete (a save that did not finish) or not a checkpoint folder");
        }
        CheckpointManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllBytes(manifestPath), RunConfigFile.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"checkpoint '{full}' has a corrupt {CheckpointStore.ManifestFileName}: {e.Message}", e);
        }
        if (manifest == null || manifest.Parts == null)
        {
            throw new InvalidDataException($"checkpoint '{full}' has a corrupt {CheckpointStore.ManifestFileName}: it lists no parts");
        }
        if (manifest.Format != CheckpointManifest.CurrentFormat)
        {
            throw new InvalidDataException(
                $"checkpoint '{full}' has layout version {manifest.Format}; this build reads version {CheckpointManifest.CurrentFormat}");
        }
        if (CheckpointStore.TryParseStep(System.IO.Path.GetFileName(full), out long folderStep) && folderStep != manifest.Step)
        {
            throw new InvalidDataException($"checkpoint '{full}' says it is step {manifest.Step}, but its folder name says step {folderStep}");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (CheckpointManifestEntry part in manifest.Parts)
        {
            if (part == null || part.Name == null || part.File != CheckpointPart.FileNameOf(part.Name) || part.XxHash64 == null || !seen.Add(part.Name))
            {
                throw new InvalidDataException($"checkpoint '{full}' has a corrupt {CheckpointStore.ManifestFileName}: a part entry is malformed or repeated");
            }
            // A name such as "../../x" would make the manifest point outside the checkpoint folder.
            try
            {
                CheckpointContents.ValidateName(part.Name);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"checkpoint '{full}' has a corrupt {CheckpointStore.ManifestFileName}: {e.Message}", e);
            }
            string file = System.IO.Path.Combine(full, part.File);
            if (!File.Exists(file))
            {
                throw new InvalidDataException($"checkpoint '{full}' is missing part \"{part.Name}\": file '{part.File}' does not exist");
            }
            long length = new FileInfo(file).Length;
            if (length != part.Length)
            {
                throw new InvalidDataException(
                    $"checkpoint '{full}' part \"{part.Name}\" is {length} bytes, expected {part.Length}: the file was truncated or changed after saving");
            }
        }
        return new Checkpoint(full, manifest);
    }

    /// <summary>Loads the module part <paramref name="name"/> into <paramref name="module"/>, which must have the same parameter and buffer names and shapes.</summary>
    public void LoadModule(string name, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        ReadVerified(name, CheckpointPartKind.Module, (reader, describe) =>
        {
            try
            {
                module.load(reader, strict: true);
            }
            catch (Exception e) when (IsIncompatibleState(e))
            {
                throw new InvalidDataException($"{describe()} does not fit the given {module.GetType().Name}: {e.Message}", e);
            }
        });
    }

    // What loading throws when saved state does not match the object it is loaded into: wrong names or shapes
    // (ArgumentException), a cut or garbled stream, or anything TorchSharp's own reader raises while decoding (it has
    // no case for some element types). All of these mean "this checkpoint does not fit", not a bug here.
    static bool IsIncompatibleState(Exception e) =>
        e is ArgumentException or InvalidDataException or EndOfStreamException or FormatException
        || e.TargetSite?.Module.Assembly == typeof(TorchSharp.torch).Assembly;

    /// <summary>Loads the optimizer part <paramref name="name"/> into <paramref name="optimizer"/>, which must be of the same type over parameters of the same shapes.</summary>
    public void LoadOptimizer(string name, OptimizerHelper optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ReadVerified(name, CheckpointPartKind.Optimizer, (reader, describe) =>
        {
            try
            {
                optimizer.load_state_dict(reader);
            }
            catch (Exception e) when (IsIncompatibleState(e))
            {
                throw new InvalidDataException($"{describe()} does not fit the given {optimizer.GetType().Name} optimizer: {e.Message}", e);
            }
        });
    }

    /// <summary>The bytes of part <paramref name="name"/>.</summary>
    public byte[] ReadBytes(string name)
    {
        CheckpointManifestEntry part = Entry(name);
        byte[] bytes = File.ReadAllBytes(FileOf(part));
        VerifyHash(part, Convert.ToHexStringLower(System.IO.Hashing.XxHash64.Hash(bytes)));
        return bytes;
    }

    /// <summary>Reads part <paramref name="name"/> as JSON written by <see cref="CheckpointContents.AddJson{T}"/>.</summary>
    public T ReadJson<T>(string name)
    {
        byte[] bytes = ReadBytes(name);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, RunConfigFile.Options)
                ?? throw new InvalidDataException($"{Describe(name)} holds JSON null: expected a {typeof(T).Name}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Describe(name)} is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>Opens part <paramref name="name"/> for reading after checking its hash, for parts too large to read into memory at once.</summary>
    public Stream OpenRead(string name)
    {
        CheckpointManifestEntry part = Entry(name);
        VerifyHash(part, CheckpointStore.HashFile(FileOf(part)).Hash);
        return new FileStream(FileOf(part), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>Reads the stream part <paramref name="name"/> (written by <see cref="CheckpointContents.AddStream"/>) with
    /// <paramref name="read"/>, which must consume it exactly; a part that ends early, has bytes left over, or that
    /// <paramref name="read"/> finds invalid raises an <see cref="InvalidDataException"/> naming the checkpoint and part.</summary>
    public void ReadBinary(string name, Action<BinaryReader> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var stream = OpenRead(name);
        using var reader = new BinaryReader(stream);
        try
        {
            read(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{Describe(name)} ends early: it was written by another build or configuration", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Describe(name)}: {e.Message}", e);
        }
        if (stream.Position != stream.Length)
            throw new InvalidDataException($"{Describe(name)} has {stream.Length - stream.Position} bytes left after loading: it was written by another build");
    }

    /// <summary>Checks the hash of every part, so that a damaged checkpoint is found before any of it is loaded; the first
    /// mismatch is an <see cref="InvalidDataException"/> naming the checkpoint and part.</summary>
    public void VerifyAllParts()
    {
        foreach (CheckpointManifestEntry part in _parts.Values)
        {
            VerifyHash(part, CheckpointStore.HashFile(FileOf(part)).Hash);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Path;

    private void ReadVerified(string name, CheckpointPartKind kind, Action<BinaryReader, Func<string>> load)
    {
        CheckpointManifestEntry part = Entry(name);
        if (part.Kind != kind)
        {
            throw new InvalidDataException($"{Describe(name)} holds a {part.Kind} part, not a {kind} part");
        }
        byte[] bytes = ReadBytes(name);
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = new BinaryReader(stream);
        load(reader, () => Describe(name));
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException(
                $"{Describe(name)} has {stream.Length - stream.Position} bytes left after loading: it was saved from a different {kind.ToString().ToLowerInvariant()}");
        }
    }

    private CheckpointManifestEntry Entry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_parts.TryGetValue(name, out CheckpointManifestEntry? part))
        {
            string names = PartNames.Count == 0 ? "it has no parts" : "its parts are " + string.Join(", ", PartNames.Select(n => $"\"{n}\""));
            throw new KeyNotFoundException($"checkpoint '{Path}' has no part \"{name}\"; {names}");
        }
        return part;
    }

    private string FileOf(CheckpointManifestEntry part) => System.IO.Path.Combine(Path, part.File);

    private void VerifyHash(CheckpointManifestEntry part, string actual)
    {
        if (!string.Equals(actual, part.XxHash64, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{Describe(part.Name)} is corrupt: its XxHash64 is {actual}, but {part.XxHash64} was recorded when it was saved");
        }
    }

    private string Describe(string name) => $"checkpoint '{Path}' part \"{name}\"";
}
