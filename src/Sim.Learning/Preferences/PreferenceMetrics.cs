namespace Sim.Learning.Preferences;

/// <summary>Metric tags of preference-based reward learning, beside the reward model's own <c>reward/*</c> tags.</summary>
public static class PreferenceMetrics
{
    /// <summary>Queries asked so far (the label budget spent).</summary>
    public const string LabelsTag = "preference/labels";

    /// <summary>Query rounds taken so far.</summary>
    public const string RoundsTag = "preference/rounds";

    /// <summary>Share of held-out oracle-labelled pairs the model orders correctly.</summary>
    public const string HeldOutAccuracyTag = "preference/held_out_accuracy";

    /// <summary>Pearson correlation of the learned and the true step reward over recent episodes.</summary>
    public const string RewardCorrelationTag = "preference/reward_correlation";

    /// <summary>Seconds spent on the round: sampling, labelling and training.</summary>
    public const string RoundSecondsTag = "preference/round_seconds";
}
