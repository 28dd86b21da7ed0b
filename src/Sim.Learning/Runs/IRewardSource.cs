using Sim.Learning.Training;

namespace Sim.Learning.Runs;

/// <summary>Where a run's reward comes from, registered in a <see cref="RunRegistry"/> under the name
/// <see cref="RunConfig.Reward"/> gives: the env's own, or a reward learned while the policy trains.</summary>
public interface IRewardSource
{
    /// <summary>The name <see cref="RunConfig.Reward"/> and <c>--reward</c> give, e.g. <c>preference</c>.</summary>
    string Name { get; }

    /// <summary>The learner supplying a training run's reward, or null when the policy trains on the env's own reward.</summary>
    IRewardLearner? CreateLearner(RewardLearnerContext context);

    /// <summary>The reward stage to rebuild in an evaluation env chain, from what the run saved (e.g. its latest
    /// reward model); null when the run has none.</summary>
    RewardStage? LoadForEvaluation(RunDefinition run);
}
