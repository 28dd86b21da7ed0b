using Sim.Core;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;

namespace Sim.Learning.Ppo;

/// <summary>The wrappers PPO trains under, as CleanRL builds them: episode statistics on the raw rewards, then
/// (for continuous actions) action clipping and observation and reward normalisation.</summary>
public static class PpoEnvironment
{
    /// <summary>Wraps <paramref name="env"/> (built with same-step autoreset and <paramref name="config"/>.NumEnvs envs).</summary>
    public static IVectorEnv Wrap(IVectorEnv env, PpoConfig config)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(config);
        env = new RecordEpisodeStatistics(env);
        if (env.SingleActionSpace is Box)
        {
            env = new ClipAction(env);
            env = new NormalizeObservation(env);
            env = new NormalizeReward(env, gamma: config.Gamma);
        }
        return env;
    }

    /// <summary>The env options PPO needs: same-step autoreset, so the final observation of a truncated episode is at hand.</summary>
    public static VectorEnvOptions Options(int threads) => new() { NumThreads = threads, AutoresetMode = AutoresetMode.SameStep };
}
