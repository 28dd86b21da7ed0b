using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Replay;
using Sim.Learning.Runs;

namespace Sim.Learning.Training;

/// <summary>A reward learned while the policy trains, as PPO and SAC see it: a stage in the env chain that supplies the
/// reward, updates between chunks of training, and its share of every checkpoint.</summary>
/// <remarks>Preference learning implements it today. The trainers that consume it (<c>PreferencePpoTrainer</c> on PPO,
/// <c>PebbleTrainer</c> on SAC) know nothing else of the reward, so a new learned reward plugs in by implementing this
/// and registering an <see cref="IRewardSource"/> that creates it.</remarks>
public interface IRewardLearner : IDisposable
{
    /// <summary>Adds the learner's stage to the env chain: beneath it rewards are the env's own, above it they are the
    /// learned ones. Called once, while the chain is built.</summary>
    IVectorEnv WrapEnv(IVectorEnv env);

    /// <summary>The current learned reward of a batch of transitions, for relabelling stored ones after an update.</summary>
    TransitionRewardFunction RewardFunction { get; }

    /// <summary>The reward of a hindsight-relabelled batch (SAC's <c>--her</c>), when the learner's reward is a function of
    /// the transition that a relabelled goal changes; null (the default) leaves relabelled rows the env's goal reward.</summary>
    TransitionRewardFunction? HindsightReward => null;

    /// <summary>Updates the learned reward if an update is due at <paramref name="envStep"/>, logging to
    /// <paramref name="metrics"/>; returns whether the reward changed.</summary>
    bool TryUpdate(long envStep, IMetricSink metrics);

    /// <summary>Offers an off-policy trainer's replay buffer, whose transitions a learner may learn the env's dynamics
    /// from; learners that need none ignore it.</summary>
    void UseReplay(ReplayBuffer replay)
    {
    }

    /// <summary>One line for the start of a run saying where the reward comes from and when it updates.</summary>
    string Describe();

    /// <summary>Adds everything needed to continue exactly to <paramref name="contents"/>.</summary>
    void Save(CheckpointContents contents);

    /// <summary>Restores what <see cref="Save"/> wrote into a learner built with the same options.</summary>
    void Load(Checkpoint checkpoint);
}
