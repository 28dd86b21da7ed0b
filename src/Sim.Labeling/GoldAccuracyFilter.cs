using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Labeling;

/// <summary>Leaves out the answers of labelers whose accuracy on gold pairs is below a threshold, so training can ignore
/// people who are careless or guessing.</summary>
/// <remarks>A labeler is judged once they have answered <see cref="MinimumGoldAnswers"/> gold pairs: one early slip
/// should not throw away everything they give. Answers of scripted teachers are always kept.</remarks>
public sealed class GoldAccuracyFilter(LabelingDatabase database, double minimumAccuracy)
{
    /// <summary>Gold answers needed before a labeler's accuracy counts.</summary>
    public const int MinimumGoldAnswers = 5;

    /// <summary>Labelers (label store ids) whose answers are left out now.</summary>
    public IReadOnlySet<string> ExcludedLabelers() => database.Stats()
        .Where(s => s.GoldAnswered >= MinimumGoldAnswers && s.GoldAccuracy < minimumAccuracy)
        .Select(s => LabelerName.ToLabelerId(s.Name)).ToHashSet();

    /// <summary><paramref name="labels"/> without the excluded labelers' answers.</summary>
    public IReadOnlyList<LabeledPair<Segment>> Apply(IReadOnlyList<LabeledPair<Segment>> labels)
    {
        var excluded = ExcludedLabelers();
        return excluded.Count == 0 ? labels : labels.Where(l => !excluded.Contains(l.LabelerId)).ToList();
    }
}
