using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Rewards.Robot;

namespace Sim.Learning.Preferences;

/// <summary>The wrappers a preference-learning run adds to its env chain: a recorder feeding the learner's episode
/// history with the true reward, under the learned reward that replaces it for the policy.</summary>
public static class PreferenceEnvironment
{
    /// <summary>Wraps <paramref name="env"/>, whose rewards are the env's own, for <paramref name="learner"/>.</summary>
    public static IVectorEnv Wrap(IVectorEnv env, PreferenceRewardLearner learner)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(learner);
        return LearnedReward.Wrap(new EpisodeHistoryRecorder(env, learner.History), learner.Model, RewardMode.Replace);
    }
}
