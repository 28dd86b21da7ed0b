using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Rewards.Models;

namespace Sim.Rewards.Robot;

/// <summary>Puts a learned reward model between a vector env and its policy, through Sim.Core's <see cref="FuncRewardWrapper"/>:
/// the env's own reward stays in the <c>env_reward</c> info column and the learned one in <c>learned_reward</c>.</summary>
public static class LearnedReward
{
    /// <summary>Wraps <paramref name="env"/> so that its reward is <paramref name="model"/>'s (<see cref="RewardMode.Replace"/>)
    /// or the env's plus it (<see cref="RewardMode.Add"/>), weighted by <paramref name="weight"/>; every step scores all envs
    /// in one batch.</summary>
    /// <remarks>The wrapper reads the model at every step, so retraining the model changes the reward from the next step on.</remarks>
    public static FuncRewardWrapper Wrap(IVectorEnv env, RobotRewardModel model, RewardMode mode = RewardMode.Replace, float weight = 1f)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(model);
        int observationSize = env.SingleObservationSpace.FlatSize;
        int actionSize = env.SingleActionSpace.FlatSize;
        if (observationSize != model.ObservationSize || actionSize != model.ActionSize)
            throw new ArgumentException(
                $"env observation size {observationSize} and action size {actionSize}: expected the reward model's {model.ObservationSize} and {model.ActionSize}",
                nameof(env));
        return new FuncRewardWrapper(env, model.AsRewardFunction(), mode, weight);
    }
}
