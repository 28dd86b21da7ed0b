using System.Globalization;
using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Training;

namespace Sim.Learning.Preferences;

// The preference learner as the trainers see it: one implementation of the seam every learned reward plugs in through.
public sealed partial class PreferenceRewardLearner : IRewardLearner
{
    /// <inheritdoc/>
    public IVectorEnv WrapEnv(IVectorEnv env) => PreferenceEnvironment.Wrap(env, this);

    /// <inheritdoc/>
    public TransitionRewardFunction RewardFunction => Model.AsRewardFunction();

    /// <inheritdoc/>
    public bool TryUpdate(long envStep, IMetricSink metrics) => TryRunRound(envStep, metrics);

    /// <inheritdoc/>
    public string Describe()
    {
        var s = Schedule;
        return string.Create(CultureInfo.InvariantCulture,
            $"reward from {s.TotalBudget} labels: first round at step {s.FirstRoundStep:N0}, then {s.BatchSize} every {s.Interval:N0} steps ({s.Selection})");
    }
}
