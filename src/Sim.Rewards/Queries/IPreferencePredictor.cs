using Sim.Rewards.Preferences;

namespace Sim.Rewards.Queries;

/// <summary>Predicts, for each member of a reward-model ensemble, how likely the left segment of each candidate pair is
/// to be preferred; the query samplers rank candidates by these predictions.</summary>
public interface IPreferencePredictor
{
    /// <summary>Number of ensemble members K (1 for a single model).</summary>
    int MemberCount { get; }

    /// <summary>Writes P_m(left[i] ≻ right[i]) to <c>probabilities[m * left.Count + i]</c> for every member m.</summary>
    /// <param name="left">Left segments of the candidate pairs.</param>
    /// <param name="right">Right segments, as many as <paramref name="left"/>.</param>
    /// <param name="probabilities">Output, <c>K × pairs</c>, member-major.</param>
    void PredictPreferences(IReadOnlyList<Segment> left, IReadOnlyList<Segment> right, Span<float> probabilities);
}
