namespace Sim.Rewards.Preferences;

/// <summary>A pair with its answer and provenance: who answered and when.</summary>
/// <param name="Pair">The pair that was asked about.</param>
/// <param name="Label">The answer.</param>
/// <param name="LabelerId">The teacher or human who answered, e.g. <c>teacher:oracle</c> or <c>human:alice</c>.</param>
/// <param name="LabeledAt">When the answer was given.</param>
public sealed record LabeledPair<TItem>(PreferencePair<TItem> Pair, PreferenceLabel Label, string LabelerId, DateTimeOffset LabeledAt);
