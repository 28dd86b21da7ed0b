namespace Sim.Fuzz;

/// <summary>The fuzz targets by name: the loaders of every file format a user can hand to Sim.</summary>
public static class FuzzTargets
{
    /// <summary>The target names, in the order the campaign runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["trajectory", "segment-payload", "reward-model", "checkpoint-manifest", "run-config"];

    /// <summary>A new instance of the target called <paramref name="name"/>; unknown names list the known ones.</summary>
    public static FuzzTarget Create(string name) => name switch
    {
        "trajectory" => new TrajectoryFuzzTarget(),
        "segment-payload" => new SegmentPayloadFuzzTarget(),
        "reward-model" => new RewardModelFuzzTarget(),
        "checkpoint-manifest" => new CheckpointManifestFuzzTarget(),
        "run-config" => new RunConfigFuzzTarget(),
        _ => throw new ArgumentException($"unknown fuzz target '{name}': expected one of {string.Join(", ", Names)}", nameof(name)),
    };
}
