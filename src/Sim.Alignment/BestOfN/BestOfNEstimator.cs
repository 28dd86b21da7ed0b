namespace Sim.Alignment.BestOfN;

/// <summary>The unbiased best-of-n estimator (Nakano et al.; Gao et al. §2): from N ≥ n samples of one prompt, each scored
/// once by the proxy (and by whatever else is measured, e.g. the gold reward), the expected value of the sample the proxy
/// ranks best among n drawn without replacement, averaged over all C(N, n) draws exactly rather than by resampling.</summary>
/// <remarks>With the samples sorted by proxy score ascending, the i-th (1-based) is the best of a random n-subset with
/// probability C(i − 1, n − 1) / C(N, n): the subset must hold it and n − 1 of the i − 1 below it. Samples whose proxy
/// scores tie share their weights equally, which is the expectation under a random tie-break.</remarks>
public static class BestOfNEstimator
{
    /// <summary>KL(best-of-n ‖ base) ≈ log n − (n − 1)/n, the analytic value for a continuous proxy (Stiennon et al.).</summary>
    public static double KlDivergence(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return Math.Log(n) - (n - 1.0) / n;
    }

    /// <summary>P(the i-th lowest of <paramref name="samples"/> is the best of <paramref name="n"/>), for i = 1 … N, at
    /// index i − 1; the weights sum to 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n is below 1 or above N.</exception>
    public static double[] RankWeights(int samples, int n)
    {
        CheckCounts(samples, n);
        // log C(N, n) = Σ_{j=1..n} log((N − n + j) / j); the weights are formed in log space so N in the thousands cannot overflow.
        double logDraws = 0;
        for (int j = 1; j <= n; j++) logDraws += Math.Log((double)(samples - n + j) / j);
        var weights = new double[samples];
        double logWays = 0; // log C(i − 1, n − 1), starting at i = n where it is log 1.
        for (int i = n; i <= samples; i++)
        {
            weights[i - 1] = Math.Exp(logWays - logDraws);
            logWays += Math.Log((double)i / (i - n + 1));
        }
        return weights;
    }

    /// <summary>The expected <paramref name="values"/> of the proxy's best of <paramref name="n"/> among the samples scored
    /// <paramref name="proxy"/>; with <paramref name="values"/> = <paramref name="proxy"/> it is the proxy's own expected best.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or hold a non-finite number.</exception>
    /// <exception cref="ArgumentOutOfRangeException">n is below 1 or above the number of samples.</exception>
    public static double Expected(ReadOnlySpan<double> proxy, ReadOnlySpan<double> values, int n)
    {
        if (values.Length != proxy.Length)
            throw new ArgumentException($"{proxy.Length} proxy scores and {values.Length} values: expected one value per scored sample", nameof(values));
        for (int i = 0; i < proxy.Length; i++)
        {
            if (!double.IsFinite(proxy[i])) throw new ArgumentException($"proxy[{i}] = {proxy[i]}: scores must be finite", nameof(proxy));
            if (!double.IsFinite(values[i])) throw new ArgumentException($"values[{i}] = {values[i]}: values must be finite", nameof(values));
        }
        var weights = RankWeights(proxy.Length, n);
        var order = new int[proxy.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = proxy.ToArray();
        Array.Sort(keys, order);
        double total = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && keys[end] == keys[start]) end++;
            double groupWeight = 0, groupValue = 0;
            for (int k = start; k < end; k++)
            {
                groupWeight += weights[k];
                groupValue += values[order[k]];
            }
            total += groupWeight * groupValue / (end - start);
            start = end;
        }
        return total;
    }

    private static void CheckCounts(int samples, int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, $"n = {n}: expected at least 1 sample to choose from");
        if (n > samples)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"n = {n} but only {samples} samples were scored: the unbiased estimator needs N ≥ n samples per prompt");
    }
}
