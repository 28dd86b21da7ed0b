using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Runs;

/// <summary>The named parts to save together as one checkpoint: modules, optimizers and byte blobs.</summary>
/// <remarks>
/// Modules, optimizers and stream writers are read when <see cref="CheckpointStore.Save"/> runs, not when they are
/// added, so a contents object can be built once and saved at every checkpoint. Byte arrays and JSON values are
/// copied when added.
/// </remarks>
public sealed class CheckpointContents
{
    private readonly List<CheckpointPart> _parts = new();

    /// <summary>The part names, in the order added.</summary>
    public IReadOnlyList<string> Names => _parts.Select(p => p.Name).ToArray();

    internal IReadOnlyList<CheckpointPart> Parts => _parts;

    /// <summary>Adds <paramref name="module"/>'s parameters and buffers (its state dict).</summary>
    public CheckpointContents AddModule(string name, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Add(name, CheckpointPartKind.Module, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            module.save(writer);
        });
    }

    /// <summary>Adds <paramref name="optimizer"/>'s state: per-parameter state such as Adam's step and moments, and each group's options (learning rate, betas…).</summary>
    public CheckpointContents AddOptimizer(string name, OptimizerHelper optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Add(name, CheckpointPartKind.Optimizer, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
        });
    }

    /// <summary>Adds a copy of <paramref name="bytes"/>.</summary>
    public CheckpointContents AddBytes(string name, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        return Add(name, CheckpointPartKind.Bytes, stream => stream.Write(copy));
    }

    /// <summary>Adds <paramref name="value"/> as JSON (e.g. step counters and other trainer state); read it back with <see cref="Checkpoint.ReadJson{T}"/>.</summary>
    public CheckpointContents AddJson<T>(string name, T value)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(value, RunConfigFile.Options);
        return Add(name, CheckpointPartKind.Bytes, stream => stream.Write(json));
    }

    /// <summary>Adds a part that <paramref name="write"/> writes into a seekable stream at save time, e.g. a large replay buffer.</summary>
    public CheckpointContents AddStream(string name, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return Add(name, CheckpointPartKind.Bytes, write);
    }

    private CheckpointContents Add(string name, CheckpointPartKind kind, Action<Stream> write)
    {
        ValidateName(name);
        // Case-insensitive, as the names become file names and some file systems ignore case.
        if (_parts.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"checkpoint part \"{name}\" was already added: part names must be unique", nameof(name));
        }
        _parts.Add(new CheckpointPart(name, kind, write));
        return this;
    }

    /// <summary>Throws unless <paramref name="name"/> can be a part name (it becomes a file name inside the checkpoint folder).</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 100)
        {
            throw new ArgumentException($"checkpoint part name \"{name}\" is {name.Length} characters long: expected 1 to 100", nameof(name));
        }
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))
            {
                throw new ArgumentException(
                    $"checkpoint part name \"{name}\" has '{c}' at index {i}: expected only ASCII letters, digits, '.', '-' and '_'", nameof(name));
            }
        }
        if (name[0] == '.' || string.Equals(name, Path.GetFileNameWithoutExtension(CheckpointStore.ManifestFileName), StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"checkpoint part name \"{name}\" is reserved or hidden: expected a name not starting with '.' and not \"manifest\"", nameof(name));
        }
    }
}
