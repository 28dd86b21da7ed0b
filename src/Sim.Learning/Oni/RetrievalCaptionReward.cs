using Sim.Feedback;

namespace Sim.Learning.Oni;

/// <summary>ONI's retrieval model: the LLM's yes (1) or no (0) for the caption, looked up; 0 while it is unanswered.</summary>
public sealed class RetrievalCaptionReward : CaptionRewardModel
{
    readonly AnnotationService _labels;

    /// <summary>A model over <paramref name="vocabulary"/> asking <paramref name="labels"/> (a <see cref="CaptionLabelPrompt"/> service).</summary>
    public RetrievalCaptionReward(IReadOnlyList<string> vocabulary, AnnotationService labels) : base(vocabulary) =>
        _labels = labels ?? throw new ArgumentNullException(nameof(labels));

    /// <inheritdoc/>
    public override OniRewardModelKind Kind => OniRewardModelKind.Retrieval;

    /// <inheritdoc/>
    protected override void OnFirstSeen(int code) => Ask(_labels, Vocabulary[code - 1]);

    /// <inheritdoc/>
    protected override void Recompute(float[] rewards)
    {
        for (int code = 1; code < rewards.Length; code++)
            rewards[code] = _labels.TryGetAnswer(Vocabulary[code - 1], out float answer) ? answer : 0f;
    }
}
