using Sim.Rewards.Preferences;

namespace Sim.Rewards.Labels;

/// <summary>One labeler's answer to one stored pair, as <see cref="LabelStore{TItem}.RecordLabels"/> takes it.</summary>
public readonly record struct LabelAnswer(long PairId, PreferenceLabel Label, string LabelerId, DateTimeOffset LabeledAt)
{
    /// <summary>Throws naming the pair when the label is not a defined <see cref="PreferenceLabel"/> or the labeler id is empty.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Label))
            throw new ArgumentOutOfRangeException(nameof(Label), (int)Label,
                $"label {(int)Label} for pair {PairId} is not a preference label: expected Left (0), Right (1), Equal (2) or Skip (3)");
        if (string.IsNullOrWhiteSpace(LabelerId))
            throw new ArgumentException($"labeler id '{LabelerId}' is empty: expected an id such as teacher:oracle or human:alice", nameof(LabelerId));
    }
}
