using Sim.Learning.Ppo;

namespace Sim.Learning.Runs;

/// <summary>What a new run's algorithm section is made from (the options of <c>sim train</c>); the algorithm's own
/// defaults, its preset and the overrides fill in the rest.</summary>
public sealed record NewRunOptions
{
    /// <summary>Seed of the envs (env i gets seed + i), the networks and every derived stream.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Torch device name: cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Env steps to train for.</summary>
    public required long TotalTimesteps { get; init; }

    /// <summary>Envs stepped together; null for the algorithm's default.</summary>
    public int? NumEnvs { get; init; }

    /// <summary>CPU threads torch may use; null for the algorithm's default.</summary>
    public int? TorchThreads { get; init; }

    /// <summary>Named hyperparameter preset (<see cref="PpoPresets.Names"/>); <see cref="PpoPresets.CleanRl"/> is every algorithm's own defaults.</summary>
    public string Preset { get; init; } = PpoPresets.CleanRl;

    /// <summary><c>name=value</c> overrides applied last, by snake_case or CleanRL name (<see cref="HyperparameterOverrides"/>).</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
}
