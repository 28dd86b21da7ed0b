namespace Sim.Alignment.BestOfN;

/// <summary>Best-of-n over many prompts for a range of n: the overoptimisation curve of Gao et al., gold and proxy reward
/// against √KL.</summary>
public static class BestOfNCurve
{
    /// <summary>n = 1, 2, 4, …, up to <paramref name="largest"/> (included when it is a power of two).</summary>
    public static IReadOnlyList<int> PowersOfTwo(int largest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(largest, 1);
        var ns = new List<int>();
        for (long n = 1; n <= largest; n *= 2) ns.Add((int)n);
        return ns;
    }

    /// <summary>One point per n of <paramref name="ns"/>, each averaging the estimator over <paramref name="prompts"/>.</summary>
    /// <exception cref="ArgumentException">No prompts, or a prompt whose proxy and gold scores differ in number.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An n above some prompt's number of samples.</exception>
    public static List<BestOfNPoint> Compute(IReadOnlyList<ScoredSamples> prompts, IReadOnlyList<int> ns)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(ns);
        if (prompts.Count == 0) throw new ArgumentException("no prompts: best-of-n needs at least one prompt's scored samples", nameof(prompts));
        var points = new List<BestOfNPoint>(ns.Count);
        foreach (int n in ns)
        {
            double proxy = 0, gold = 0;
            for (int p = 0; p < prompts.Count; p++)
            {
                var samples = prompts[p];
                if (samples.Proxy.Length != samples.Gold.Length)
                    throw new ArgumentException($"prompt {p} has {samples.Proxy.Length} proxy scores and {samples.Gold.Length} gold rewards: expected one of each per sample", nameof(prompts));
                proxy += BestOfNEstimator.Expected(samples.Proxy, samples.Proxy, n);
                gold += BestOfNEstimator.Expected(samples.Proxy, samples.Gold, n);
            }
            points.Add(new BestOfNPoint(n, BestOfNEstimator.KlDivergence(n), proxy / prompts.Count, gold / prompts.Count));
        }
        return points;
    }
}
