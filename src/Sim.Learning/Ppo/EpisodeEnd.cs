namespace Sim.Learning.Ppo;

/// <summary>One finished episode as seen during training: which env, its undiscounted return and length, and when it ended.</summary>
/// <param name="Env">Index of the sub-env.</param>
/// <param name="Return">Undiscounted return, as recorded by the env's episode statistics wrapper.</param>
/// <param name="Length">Env steps in the episode.</param>
/// <param name="GlobalStep">Env steps taken by the trainer (summed over envs) when the episode ended.</param>
public readonly record struct EpisodeEnd(int Env, double Return, int Length, long GlobalStep);
