namespace Sim.Learning.Preferences;

/// <summary>Metric tags of REED's auxiliary phase, logged at each reward update of a run with <c>--reed</c>.</summary>
public static class DynamicsMetrics
{
    /// <summary>Mean next-state consistency loss over the phase's last training epoch.</summary>
    public const string ConsistencyLossTag = "reed/consistency_loss";

    /// <summary>Consistency loss on the phase's held-out 20 % of transitions after its last epoch.</summary>
    public const string ValidationLossTag = "reed/val_loss";

    /// <summary>Consistency loss on the held-out transitions before the phase trained.</summary>
    public const string InitialValidationLossTag = "reed/initial_val_loss";

    /// <summary>How spread the held-out targets' directions are after the phase (about 1 spread, 0 collapsed); see
    /// <see cref="Sim.Rewards.Robot.Dynamics.DynamicsPretrainingReport.TargetSpread"/>.</summary>
    public const string TargetSpreadTag = "reed/target_spread";

    /// <summary>Epochs the phase ran before it ended or stopped early.</summary>
    public const string EpochsTag = "reed/epochs";

    /// <summary>Transitions the phase trained and validated on.</summary>
    public const string TransitionsTag = "reed/transitions";

    /// <summary>Wall time of the phase, in seconds.</summary>
    public const string SecondsTag = "reed/seconds";
}
