namespace Sim.Learning.Runs;

/// <summary>A new run's config with its algorithm section made, the settings every algorithm shares read from it, and
/// the bytes its experience storage (rollout or replay buffer) will take, for a memory check before anything is built.</summary>
public sealed record NewRunSection(RunConfig Config, AlgorithmSettings Settings, double StorageBytes);
