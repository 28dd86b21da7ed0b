namespace Sim.Rewards.Queries;

/// <summary>Predicts, for each member of a reward-model ensemble, how likely the left item of each candidate pair is to
/// be preferred; the query samplers rank candidates by these predictions.</summary>
public interface IPreferencePredictor<TItem>
{
    /// <summary>Number of ensemble members K (1 for a single model).</summary>
    int MemberCount { get; }

    /// <summary>Writes P_m(left[i] ≻ right[i]) to <c>probabilities[m * left.Count + i]</c> for every member m.</summary>
    /// <param name="left">Left items of the candidate pairs.</param>
    /// <param name="right">Right items, as many as <paramref name="left"/>.</param>
    /// <param name="probabilities">Output, <c>K × pairs</c>, member-major.</param>
    void PredictPreferences(IReadOnlyList<TItem> left, IReadOnlyList<TItem> right, Span<float> probabilities);
}
