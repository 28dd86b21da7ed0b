using Sim.Learning.Training;

namespace Sim.Learning.Runs;

/// <summary>The env's own reward: nothing is learned and the env chain has no reward stage.</summary>
public sealed class EnvRewardSource : IRewardSource
{
    /// <summary>The name runs give: env.</summary>
    public const string SourceName = "env";

    /// <inheritdoc/>
    public string Name => SourceName;

    /// <inheritdoc/>
    public IRewardLearner? CreateLearner(RewardLearnerContext context) => null;

    /// <inheritdoc/>
    public RewardStage? LoadForEvaluation(RunDefinition run) => null;
}
