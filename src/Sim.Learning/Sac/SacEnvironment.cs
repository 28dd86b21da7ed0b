using Sim.Core;
using Sim.Core.Wrappers;

namespace Sim.Learning.Sac;

/// <summary>The wrappers SAC trains under, as CleanRL builds them: episode statistics only.</summary>
/// <remarks>CleanRL's SAC normalises neither observations nor rewards, and needs no action clipping: the squashed
/// policy and the uniform warm-up both stay inside the action Box.</remarks>
public static class SacEnvironment
{
    /// <summary>Wraps <paramref name="env"/> (built with <see cref="Options"/>) for <see cref="SacTrainer"/>.</summary>
    public static IVectorEnv Wrap(IVectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return new RecordEpisodeStatistics(env);
    }

    /// <summary>The env options SAC needs: same-step autoreset, so an ended episode's last observation arrives with its step.</summary>
    public static VectorEnvOptions Options(int threads) => new() { NumThreads = threads, AutoresetMode = AutoresetMode.SameStep };
}
