using Sim.Core;

namespace Sim.Core.Registry;

/// <summary>What the registry knows about an env id: how to build it and its episode settings.</summary>
/// <param name="Id">Versioned id, e.g. <c>Hopper-v5</c>.</param>
/// <param name="Factory">Builds the unwrapped vector env for a number of envs and options.</param>
/// <param name="MaxEpisodeSteps">Time limit applied by <see cref="EnvRegistry.Make"/>, or null for none.</param>
/// <param name="RewardThreshold">Episodic return at which the task counts as solved, or null.</param>
public sealed record EnvSpec(
    string Id,
    Func<int, VectorEnvOptions, IVectorEnv> Factory,
    int? MaxEpisodeSteps = null,
    double? RewardThreshold = null)
{
    /// <summary>Builds the env from keyword arguments (Gymnasium's v5 names), or null when the env takes none.</summary>
    /// <remarks>The factory reads every argument it knows and calls <see cref="EnvArguments.ThrowIfUnused"/>.</remarks>
    public Func<int, VectorEnvOptions, EnvArguments, IVectorEnv>? ArgumentFactory { get; init; }
}
