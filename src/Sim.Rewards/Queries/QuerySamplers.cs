namespace Sim.Rewards.Queries;

/// <summary>Builds the sampler for a <see cref="QuerySelection"/>.</summary>
public static class QuerySamplers
{
    /// <summary>The sampler for <paramref name="selection"/>; the active ones need <paramref name="predictor"/>.</summary>
    public static IQuerySampler Create(QuerySelection selection, IPreferencePredictor? predictor = null,
        int candidateFactor = ScoredQuerySampler.DefaultCandidateFactor) => selection switch
    {
        QuerySelection.Uniform => new UniformQuerySampler(),
        QuerySelection.Disagreement => new DisagreementQuerySampler(Need(predictor, selection), candidateFactor),
        QuerySelection.Entropy => new EntropyQuerySampler(Need(predictor, selection), candidateFactor),
        _ => throw new ArgumentOutOfRangeException(nameof(selection), selection,
            $"query selection {(int)selection} is unknown: expected Uniform, Disagreement or Entropy"),
    };

    static IPreferencePredictor Need(IPreferencePredictor? predictor, QuerySelection selection) =>
        predictor ?? throw new ArgumentNullException(nameof(predictor), $"{selection} selection ranks candidates by a reward ensemble: a predictor is required");
}
