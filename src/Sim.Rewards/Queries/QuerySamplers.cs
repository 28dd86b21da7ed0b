namespace Sim.Rewards.Queries;

/// <summary>Builds the sampler for a <see cref="QuerySelection"/>.</summary>
public static class QuerySamplers
{
    /// <summary>Pool size used by PEBBLE: ten candidates per query.</summary>
    public const int DefaultCandidateFactor = 10;

    /// <summary>The sampler for <paramref name="selection"/>; the active ones need <paramref name="predictor"/>.</summary>
    public static IQuerySampler<TItem> Create<TItem>(QuerySelection selection, IPreferencePredictor<TItem>? predictor = null,
        int candidateFactor = DefaultCandidateFactor) => selection switch
    {
        QuerySelection.Uniform => new UniformQuerySampler<TItem>(),
        QuerySelection.Disagreement => new DisagreementQuerySampler<TItem>(Need(predictor, selection), candidateFactor),
        QuerySelection.Entropy => new EntropyQuerySampler<TItem>(Need(predictor, selection), candidateFactor),
        _ => throw new ArgumentOutOfRangeException(nameof(selection), selection,
            $"query selection {(int)selection} is unknown: expected Uniform, Disagreement or Entropy"),
    };

    static IPreferencePredictor<TItem> Need<TItem>(IPreferencePredictor<TItem>? predictor, QuerySelection selection) =>
        predictor ?? throw new ArgumentNullException(nameof(predictor), $"{selection} selection ranks candidates by a reward ensemble: a predictor is required");
}
