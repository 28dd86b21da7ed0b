namespace Sim.Rewards.Robot.Dynamics;

/// <summary>What one phase of <see cref="DynamicsPretrainer"/> did.</summary>
/// <param name="Transitions">Transitions trained and validated on.</param>
/// <param name="Epochs">Epochs run before the phase ended or stopped early.</param>
/// <param name="InitialValidationLoss">Consistency loss on the validation transitions before the phase.</param>
/// <param name="TrainLoss">Mean consistency loss over the last epoch's minibatches.</param>
/// <param name="ValidationLoss">Consistency loss on the validation transitions after the last epoch.</param>
/// <param name="TargetSpread">How spread the validation targets' directions are after the phase: the per-dimension
/// standard deviation of z′/‖z′‖ times √d, about 1 for directions spread like random ones and 0 for a collapsed encoder.</param>
/// <param name="Seconds">Wall time of the phase, copying the transitions included.</param>
public sealed record DynamicsPretrainingReport(int Transitions, int Epochs, double InitialValidationLoss, double TrainLoss, double ValidationLoss, double TargetSpread, double Seconds);
