using Sim.Core.Spaces;

namespace Sim.Core;

/// <summary>A batch of independent envs stepped together over contiguous <c>[numEnvs × dim]</c> buffers.</summary>
/// <remarks>
/// The spans returned stay valid (same memory) for the life of the env and are overwritten by the
/// next <see cref="Reset"/> or <see cref="Step"/>; copy what must outlive a step.
/// </remarks>
public interface IVectorEnv : IDisposable
{
    /// <summary>Number of sub-envs.</summary>
    int NumEnvs { get; }

    /// <summary>Observation space of one sub-env; buffers hold <c>NumEnvs × FlatSize</c> floats.</summary>
    Space SingleObservationSpace { get; }

    /// <summary>Action space of one sub-env.</summary>
    Space SingleActionSpace { get; }

    /// <summary>How finished episodes are reset.</summary>
    AutoresetMode AutoresetMode { get; }

    /// <summary>Side information columns (reward terms, flags, episode statistics).</summary>
    StepInfos Infos { get; }

    /// <summary>Resets every sub-env. With a seed, env i is seeded with seed + i; without, each continues its own stream.</summary>
    void Reset(ulong? seed = null);

    /// <summary>Steps every sub-env with its row of <paramref name="actions"/> (<c>NumEnvs × action FlatSize</c>).</summary>
    void Step(ReadOnlySpan<float> actions);

    /// <summary>Ends env <paramref name="env"/>'s current episode as truncated (time limits and other wrappers use this),
    /// after a <see cref="Step"/>: the env is reset according to <see cref="AutoresetMode"/>. An episode that terminated on
    /// that step stays terminated and is flagged truncated as well (Gymnasium's <c>TimeLimit</c> does the same).</summary>
    void Truncate(int env);

    /// <summary>Current observations, <c>[NumEnvs × obs FlatSize]</c>.</summary>
    ReadOnlySpan<float> Observations { get; }

    /// <summary>Rewards of the last step, <c>[NumEnvs]</c>.</summary>
    ReadOnlySpan<float> Rewards { get; }

    /// <summary>Whether the last step reached a terminal state (no bootstrapping).</summary>
    ReadOnlySpan<bool> Terminated { get; }

    /// <summary>Whether the last step ended the episode early (time limit, divergence): bootstrap from the final observation.</summary>
    ReadOnlySpan<bool> Truncated { get; }

    /// <summary>Last observation of each episode that ended on the last step; rows are valid where Terminated or Truncated.</summary>
    ReadOnlySpan<float> FinalObservations { get; }

    /// <summary>Whether a row of <see cref="Observations"/> is the first of a new episode (after Reset or an autoreset).</summary>
    ReadOnlySpan<bool> EpisodeStarted { get; }
}
