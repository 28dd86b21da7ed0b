namespace Sim.Learning.Runs;

/// <summary>The settings every algorithm's section of a <see cref="RunConfig"/> has, read alike for any algorithm.</summary>
/// <param name="Seed">Seed of envs (env i gets seed + i), networks and sampling.</param>
/// <param name="NumEnvs">Envs stepped together.</param>
/// <param name="Device">Torch device name: cpu, cuda or cuda:N.</param>
/// <param name="TotalTimesteps">Env steps the run is configured to take, summed over envs.</param>
public sealed record AlgorithmSettings(ulong Seed, int NumEnvs, string Device, long TotalTimesteps);
