namespace Sim.Rewards.Queries;

/// <summary>Asks about the candidates on which the ensemble disagrees most: the largest standard deviation of P̂ across members.</summary>
/// <remarks>The population standard deviation (divide by K), as PEBBLE computes it.</remarks>
public sealed class DisagreementQuerySampler<TItem>(IPreferencePredictor<TItem> predictor, int candidateFactor = QuerySamplers.DefaultCandidateFactor)
    : ScoredQuerySampler<TItem>(predictor, candidateFactor)
{
    /// <inheritdoc/>
    public override string Name => "disagreement";

    /// <inheritdoc/>
    protected override double Score(ReadOnlySpan<float> probabilities)
    {
        double mean = 0;
        foreach (float p in probabilities) mean += p;
        mean /= probabilities.Length;
        double variance = 0;
        foreach (float p in probabilities) variance += (p - mean) * (p - mean);
        return Math.Sqrt(variance / probabilities.Length);
    }
}
