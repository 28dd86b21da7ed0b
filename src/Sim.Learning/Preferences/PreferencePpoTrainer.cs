using Sim.Learning.Ppo;
using Sim.Learning.Training;

namespace Sim.Learning.Preferences;

/// <summary>Christiano et al. (2017) on PPO: the policy trains on a learned reward (normalised by PPO's reward
/// normaliser) while labels are asked online, on the query schedule, about segments of its recent episodes.</summary>
/// <remarks>The env chain must come from <see cref="PpoEnvironment.Wrap"/> with the learner's
/// <see cref="IRewardLearner.WrapEnv"/> as its reward stage. Being on-policy, PPO needs no relabelling: each rollout is scored by the current model.</remarks>
public sealed class PreferencePpoTrainer : PreferenceTrainer
{
    /// <summary>Trains <paramref name="ppo"/> with rewards from <paramref name="learner"/>.</summary>
    public PreferencePpoTrainer(PpoTrainer ppo, IRewardLearner learner) : base(ppo, learner) => Ppo = ppo;

    /// <summary>The PPO learner underneath.</summary>
    public PpoTrainer Ppo { get; }

    /// <inheritdoc/>
    public override void RunChunk(IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Ppo.RunChunk(metrics);
        RunDueRound(metrics);
    }
}
