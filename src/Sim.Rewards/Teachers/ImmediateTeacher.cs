using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;

namespace Sim.Rewards.Teachers;

/// <summary>A teacher that answers every pair as it is asked, e.g. a scripted B-Pref teacher or a rule in a test.</summary>
public abstract class ImmediateTeacher<TItem> : IPreferenceTeacher<TItem>
{
    /// <inheritdoc/>
    public abstract string LabelerId { get; }

    /// <summary>The answer to "is <paramref name="left"/> better than <paramref name="right"/>?";
    /// <see cref="PreferenceLabel.Skip"/> when the teacher declines.</summary>
    public abstract PreferenceLabel Answer(TItem left, TItem right);

    /// <summary>Answers every pair in order and records each answer (Skip included, for accounting) before returning.</summary>
    public void Ask(IReadOnlyList<PreferencePair<TItem>> pairs, ILabelSink answers)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(answers);
        foreach (var pair in pairs) answers.RecordLabel(pair.Id, Answer(pair.Left, pair.Right), LabelerId);
    }
}
