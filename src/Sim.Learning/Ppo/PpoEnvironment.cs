using Sim.Core;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;

namespace Sim.Learning.Ppo;

/// <summary>The wrappers PPO trains under, as CleanRL builds them: episode statistics on the raw rewards, then
/// (for continuous actions) action clipping and observation and reward normalisation.</summary>
public static class PpoEnvironment
{
    /// <summary>Wraps <paramref name="env"/> (built with same-step autoreset and <paramref name="config"/>.NumEnvs envs).</summary>
    /// <param name="env">The env to wrap.</param>
    /// <param name="config">The run's hyperparameters.</param>
    /// <param name="reward">Optional wrappers that change the reward (e.g. a learned one), placed where observations and
    /// actions are still raw and the episode statistics, beneath them, still see the env's own reward.</param>
    public static IVectorEnv Wrap(IVectorEnv env, PpoConfig config, Func<IVectorEnv, IVectorEnv>? reward = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(config);
        env = new RecordEpisodeStatistics(env);
        if (reward is not null) env = reward(env);
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
