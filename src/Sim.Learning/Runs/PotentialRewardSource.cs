using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Training;

namespace Sim.Learning.Runs;

/// <summary>The env's reward plus potential-based shaping towards the goal (<see cref="GoalPotentialShaping"/>), with the
/// run's discount; nothing is learned, so the same stage serves training and evaluation.</summary>
public sealed class PotentialRewardSource : IRewardSource
{
    /// <summary>The name runs give: potential.</summary>
    public const string SourceName = "potential";

    /// <inheritdoc/>
    public string Name => SourceName;

    /// <inheritdoc/>
    public IRewardLearner? CreateLearner(RewardLearnerContext context) => null;

    /// <inheritdoc/>
    public RewardStage? LoadForEvaluation(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        double gamma = run.Config.Sac?.Gamma ?? run.Config.Ppo?.Gamma
            ?? throw new InvalidDataException($"'{run.Directory.ConfigPath}' has no algorithm section with a discount for potential shaping");
        return new RewardStage(env =>
        {
            var goal = GoalEnvLookup.Beneath(env, "potential shaping");
            return new FuncRewardWrapper(env, GoalPotentialShaping.Create(goal.SingleDictObservationSpace, gamma), RewardMode.Add);
        }, Owner: null);
    }
}
