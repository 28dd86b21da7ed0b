using Sim.Learning.Runs;

namespace Sim.Fuzz;

/// <summary>Fuzzes a checkpoint's <c>manifest.json</c>: the input replaces the manifest of a real checkpoint folder, which
/// (saved with a byte part and a JSON part) is then opened and every part it lists read back, so the length and hash
/// checks run too.</summary>
public sealed class CheckpointManifestFuzzTarget : FuzzTarget
{
    const long Step = 100;
    string? _folder;
    byte[] _savedManifest = [];

    /// <inheritdoc />
    public override string Name => "checkpoint-manifest";

    /// <inheritdoc />
    public override string DocumentedRejection => nameof(InvalidDataException);

    /// <inheritdoc />
    public override IReadOnlyList<FuzzSeed> Seeds()
    {
        Folder();
        return [new("manifest.json", _savedManifest)];
    }

    // Saved on first use rather than in the constructor: under afl-fuzz the instrumented checkpoint code may run only
    // once SharpFuzz has set up the coverage map, inside the fuzzing callback.
    string Folder()
    {
        if (_folder != null) return _folder;
        var store = new CheckpointStore(Path.Combine(ScratchDirectory, "checkpoints"));
        var contents = new CheckpointContents()
            .AddBytes("rng", [1, 2, 3, 4, 5, 6, 7, 8])
            .AddJson("trainer", new Dictionary<string, long> { ["step"] = Step, ["iteration"] = 3 });
        _folder = store.Save(Step, contents).Path;
        _savedManifest = File.ReadAllBytes(Path.Combine(_folder, CheckpointStore.ManifestFileName));
        return _folder;
    }

    /// <inheritdoc />
    protected override void Load(byte[] input)
    {
        string folder = Folder();
        File.WriteAllBytes(Path.Combine(folder, CheckpointStore.ManifestFileName), input);
        var checkpoint = Checkpoint.Open(folder);
        foreach (string part in checkpoint.PartNames) checkpoint.ReadBytes(part);
    }

    /// <inheritdoc />
    protected override bool IsDocumentedRejection(Exception e) => e is InvalidDataException;
}
