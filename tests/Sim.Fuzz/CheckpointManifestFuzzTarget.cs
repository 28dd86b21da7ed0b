using Sim.Learning.Runs;

namespace Sim.Fuzz;

/// <summary>Fuzzes a checkpoint's <c>manifest.json</c>: the input replaces the manifest of a real checkpoint folder, which
/// is then opened and every part it lists read back (so the length and hash checks run too).</summary>
public sealed class CheckpointManifestFuzzTarget : FuzzTarget
{
    const long Step = 100;
    readonly string _folder;
    readonly string _manifest;
    readonly byte[] _savedManifest;

    /// <summary>Saves a small checkpoint with a byte part and a JSON part into the scratch folder.</summary>
    public CheckpointManifestFuzzTarget()
    {
        var store = new CheckpointStore(Path.Combine(ScratchDirectory, "checkpoints"));
        var contents = new CheckpointContents()
            .AddBytes("rng", [1, 2, 3, 4, 5, 6, 7, 8])
            .AddJson("trainer", new Dictionary<string, long> { ["step"] = Step, ["iteration"] = 3 });
        _folder = store.Save(Step, contents).Path;
        _manifest = Path.Combine(_folder, CheckpointStore.ManifestFileName);
        _savedManifest = File.ReadAllBytes(_manifest);
    }

    /// <inheritdoc />
    public override string Name => "checkpoint-manifest";

    /// <inheritdoc />
    public override string DocumentedRejection => nameof(InvalidDataException);

    /// <inheritdoc />
    public override IReadOnlyList<FuzzSeed> Seeds() => [new("manifest.json", _savedManifest)];

    /// <inheritdoc />
    protected override void Load(byte[] input)
    {
        File.WriteAllBytes(_manifest, input);
        var checkpoint = Checkpoint.Open(_folder);
        foreach (string part in checkpoint.PartNames) checkpoint.ReadBytes(part);
    }

    /// <inheritdoc />
    protected override bool IsDocumentedRejection(Exception e) => e is InvalidDataException;
}
