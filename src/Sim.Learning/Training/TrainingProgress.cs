namespace Sim.Learning.Training;

/// <summary>A snapshot of a running training loop, for progress displays.</summary>
/// <param name="GlobalStep">Env steps taken so far.</param>
/// <param name="TotalTimesteps">Env steps the run will take.</param>
/// <param name="StepsPerSecond">Env steps per second of wall time since this process started training.</param>
/// <param name="RecentReturn">Mean return of recent episodes, or NaN before any finished.</param>
/// <param name="LastCheckpointStep">Step of the newest checkpoint, or null.</param>
public readonly record struct TrainingProgress(long GlobalStep, long TotalTimesteps, double StepsPerSecond, double RecentReturn, long? LastCheckpointStep);
