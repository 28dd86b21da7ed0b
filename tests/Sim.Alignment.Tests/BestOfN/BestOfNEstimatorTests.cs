using Sim.Alignment.BestOfN;
using Sim.Foundation;

namespace Sim.Alignment.Tests.BestOfN;

/// <summary>Checks the unbiased best-of-n estimator by hand and against enumerating every n-subset, and the KL formula.</summary>
public sealed class BestOfNEstimatorTests
{
    [Fact]
    public void Four_samples_best_of_two_by_hand()
    {
        // Proxy ranks (ascending): gold 1, 4, 3, 2. Of the C(4,2) = 6 pairs the top-ranked sample is best in 3, the
        // second in 2, the third in 1: (3·2 + 2·3 + 1·4)/6 = 16/6.
        double[] proxy = [0.1, 0.4, 0.3, 0.2];
        double[] gold = [1, 2, 3, 4];
        Assert.Equal(16.0 / 6, BestOfNEstimator.Expected(proxy, gold, 2), 12);
        Assert.Equal(2.5, BestOfNEstimator.Expected(proxy, gold, 1), 12);
        Assert.Equal(2.0, BestOfNEstimator.Expected(proxy, gold, 4), 12);
        Assert.Equal((0.4 * 3 + 0.3 * 2 + 0.2 * 1) / 6, BestOfNEstimator.Expected(proxy, proxy, 2), 12);
    }

    [Fact]
    public void The_estimate_equals_the_average_over_every_subset()
    {
        var random = new SimRandom(SeedDerivation.Derive(1, "best-of-n-test"));
        const int samples = 9;
        var proxy = Enumerable.Range(0, samples).Select(_ => random.NextGaussian()).ToArray();
        var gold = Enumerable.Range(0, samples).Select(_ => random.NextGaussian()).ToArray();
        for (int n = 1; n <= samples; n++)
        {
            double total = 0;
            int subsets = 0;
            for (int mask = 0; mask < 1 << samples; mask++)
            {
                if (System.Numerics.BitOperations.PopCount((uint)mask) != n) continue;
                int best = -1;
                for (int i = 0; i < samples; i++)
                    if ((mask & (1 << i)) != 0 && (best < 0 || proxy[i] > proxy[best])) best = i;
                total += gold[best];
                subsets++;
            }
            Assert.Equal(total / subsets, BestOfNEstimator.Expected(proxy, gold, n), 10);
        }
    }

    [Fact]
    public void Tied_proxy_scores_share_their_weight_as_a_random_tie_break_would()
    {
        // Subsets of two: {0, 1} ties (a or b, each half the time), {0, 2} gives a, {1, 2} gives b: (a + b)/2 overall.
        Assert.Equal((5.0 + 11.0) / 2, BestOfNEstimator.Expected([1, 1, 0], [5, 11, 100], 2), 12);
    }

    [Fact]
    public void Rank_weights_sum_to_one_even_for_thousands_of_samples()
    {
        var weights = BestOfNEstimator.RankWeights(5000, 256);
        Assert.Equal(1.0, weights.Sum(), 9);
        Assert.All(weights.Take(255), w => Assert.Equal(0, w));
        // The top sample is the best of n with probability n/N.
        Assert.Equal(256.0 / 5000, weights[^1], 12);
    }

    [Fact]
    public void KL_is_log_n_minus_n_minus_one_over_n()
    {
        Assert.Equal(0, BestOfNEstimator.KlDivergence(1));
        Assert.Equal(Math.Log(2) - 0.5, BestOfNEstimator.KlDivergence(2), 12);
        Assert.Equal(Math.Log(256) - 255.0 / 256, BestOfNEstimator.KlDivergence(256), 12);
    }

    [Fact]
    public void Asking_for_more_than_were_scored_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BestOfNEstimator.Expected([1, 2], [1, 2], 3));
        Assert.StartsWith("n = 3 but only 2 samples were scored", e.Message);
        Assert.Throws<ArgumentException>(() => BestOfNEstimator.Expected([1, double.NaN], [1, 2], 1));
    }

    [Fact]
    public void The_curve_averages_prompts_at_each_power_of_two()
    {
        var prompts = new[] { new ScoredSamples([0.1, 0.4, 0.3, 0.2], [1, 2, 3, 4]), new ScoredSamples([1, 2, 3, 4], [4, 3, 2, 1]) };
        var curve = BestOfNCurve.Compute(prompts, BestOfNCurve.PowersOfTwo(4));
        Assert.Equal([1, 2, 4], curve.Select(p => p.N));
        // Prompt 2 at n = 2: gold by rank 4, 3, 2, 1 with weights 0, 1/6, 2/6, 3/6: (3 + 4 + 3)/6 = 10/6.
        Assert.Equal((16.0 / 6 + 10.0 / 6) / 2, curve[1].Gold, 12);
        Assert.Equal((2.0 + 1.0) / 2, curve[2].Gold, 12);
        Assert.Equal(Math.Sqrt(Math.Log(4) - 0.75), curve[2].SqrtKl, 12);
    }
}
