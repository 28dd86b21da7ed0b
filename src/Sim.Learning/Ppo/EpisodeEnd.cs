namespace Sim.Learning.Ppo;

/// <summary>One finished episode as seen during training: which env, its undiscounted return and length, and when it ended.</summary>
/// <param name="Env">Index of the sub-env.</param>
/// <param name="Return">Undiscounted return, as recorded by the env's episode statistics wrapper.</param>
/// <param name="Length">Env steps in the episode.</param>
/// <param name="GlobalStep">Env steps taken by the trainer (summed over envs) when the episode ended.</param>
/// <param name="Success">Whether the episode's last step was a success (the env's <c>is_success</c> flag), or null when the env has no such flag.</param>
public readonly record struct EpisodeEnd(int Env, double Return, int Length, long GlobalStep, bool? Success = null)
{
    /// <summary>Tag under which trainers log <see cref="Success"/> per episode, 1 or 0.</summary>
    public const string SuccessTag = "charts/success";
}
