namespace Sim.Rewards.Queries;

/// <summary>Asks about the candidates whose ensemble-mean P̂ is most uncertain: the largest binary entropy, i.e. P̂ nearest 0.5.</summary>
public sealed class EntropyQuerySampler<TItem>(IPreferencePredictor<TItem> predictor, int candidateFactor = QuerySamplers.DefaultCandidateFactor)
    : ScoredQuerySampler<TItem>(predictor, candidateFactor)
{
    /// <inheritdoc/>
    public override string Name => "entropy";

    /// <inheritdoc/>
    protected override double Score(ReadOnlySpan<float> probabilities)
    {
        double p = 0;
        foreach (float q in probabilities) p += q;
        p /= probabilities.Length;
        return BinaryEntropy(p);
    }

    /// <summary>−p ln p − (1 − p) ln(1 − p), in nats, with 0 ln 0 = 0.</summary>
    public static double BinaryEntropy(double p)
    {
        double h = 0;
        if (p > 0) h -= p * Math.Log(p);
        if (p < 1) h -= (1 - p) * Math.Log(1 - p);
        return h;
    }
}
