namespace Sim.Learning.Runs;

/// <summary>A checkpoint passed over on resume because it does not open or a part fails its hash.</summary>
/// <param name="Path">The checkpoint folder.</param>
/// <param name="Step">The step its folder name gives.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record DamagedCheckpoint(string Path, long Step, string Reason);
