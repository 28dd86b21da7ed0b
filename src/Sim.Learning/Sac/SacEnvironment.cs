using Sim.Core;
using Sim.Core.Wrappers;

namespace Sim.Learning.Sac;

/// <summary>The wrappers SAC trains under, as CleanRL builds them: episode statistics only.</summary>
/// <remarks>CleanRL's SAC normalises neither observations nor rewards, and needs no action clipping: the squashed
/// policy and the uniform warm-up both stay inside the action Box.</remarks>
public static class SacEnvironment
{
    /// <summary>Wraps <paramref name="env"/> (built with <see cref="Options"/>) for <see cref="SacTrainer"/>.</summary>
    /// <param name="env">The env to wrap.</param>
    /// <param name="reward">Optional wrappers that change the reward (e.g. a learned one), placed above the episode
    /// statistics so that those still report the env's own return.</param>
    public static IVectorEnv Wrap(IVectorEnv env, Func<IVectorEnv, IVectorEnv>? reward = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        IVectorEnv wrapped = new RecordEpisodeStatistics(env);
        return reward is null ? wrapped : reward(wrapped);
    }

    /// <summary>The env options SAC needs: same-step autoreset, so an ended episode's last observation arrives with its step.</summary>
    public static VectorEnvOptions Options(int threads) => new() { NumThreads = threads, AutoresetMode = AutoresetMode.SameStep };
}
