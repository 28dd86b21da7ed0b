namespace Sim.Rewards.Ensembles;

/// <summary>What one training round of a <see cref="RewardEnsemble"/> achieved. Losses and accuracies are means over the
/// members; accuracy counts pairs with a side (not Equal) whose higher-scored item is the preferred one.</summary>
/// <param name="TrainablePairs">Pairs trained on (Skip excluded), including any held out for validation.</param>
/// <param name="Epochs">Epochs run (fewer than the maximum when the accuracy target was reached).</param>
/// <param name="Loss">Loss on the training pairs after the round.</param>
/// <param name="Accuracy">Accuracy on the training pairs after the round; NaN when every pair is Equal.</param>
/// <param name="ValidationLoss">Loss on the 1/e validation split of adaptive L2, else null.</param>
/// <param name="HeldOutLoss">Loss on the held-out pairs given to <see cref="RewardEnsemble.Train"/>, else null.</param>
/// <param name="HeldOutAccuracy">Accuracy on those held-out pairs, else null.</param>
/// <param name="L2Coefficients">Each member's L2 coefficient after the round.</param>
public sealed record RewardTrainingReport(
    int TrainablePairs,
    int Epochs,
    double Loss,
    double Accuracy,
    double? ValidationLoss,
    double? HeldOutLoss,
    double? HeldOutAccuracy,
    IReadOnlyList<double> L2Coefficients)
{
    /// <summary>The report as metric tags and values, e.g. <c>reward/loss</c>, for a metrics logger.</summary>
    public IEnumerable<KeyValuePair<string, double>> Scalars()
    {
        yield return new("reward/loss", Loss);
        yield return new("reward/accuracy", Accuracy);
        yield return new("reward/epochs", Epochs);
        yield return new("reward/labels", TrainablePairs);
        if (ValidationLoss is double validation) yield return new("reward/validation_loss", validation);
        if (HeldOutLoss is double heldOutLoss) yield return new("reward/held_out_loss", heldOutLoss);
        if (HeldOutAccuracy is double heldOutAccuracy) yield return new("reward/held_out_accuracy", heldOutAccuracy);
        if (L2Coefficients.Count > 0) yield return new("reward/l2", L2Coefficients.Average());
    }
}
