using Sim.Foundation;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Tests;

public class QuerySamplerTests
{
    /// <summary>A candidate item that only carries its number.</summary>
    sealed record Probe(long Number);

    /// <summary>Hands out new probes numbered 0, 1, 2, … and counts them.</summary>
    sealed class CountingSource : IItemSource<Probe>
    {
        public int Drawn { get; private set; }

        public Probe Sample(ref SimRandom random) => new(Drawn++);
    }

    /// <summary>Returns fixed per-member probabilities for candidate i, identified by its left probe's number.</summary>
    sealed class TablePredictor(float[][] table) : IPreferencePredictor<Probe>
    {
        public int Calls { get; private set; }
        public int LastPairCount { get; private set; }

        public int MemberCount => table[0].Length;

        public void PredictPreferences(IReadOnlyList<Probe> left, IReadOnlyList<Probe> right, Span<float> probabilities)
        {
            Calls++;
            LastPairCount = left.Count;
            Assert.Equal(left.Count, right.Count);
            Assert.Equal(MemberCount * left.Count, probabilities.Length);
            for (int i = 0; i < left.Count; i++)
            {
                var row = table[(int)left[i].Number % table.Length];
                for (int m = 0; m < MemberCount; m++) probabilities[m * left.Count + i] = row[m];
            }
        }
    }

    static ItemPair<Probe>[] Pool(int n) =>
        Enumerable.Range(0, n).Select(i => new ItemPair<Probe>(new Probe(i), new Probe(100 + i))).ToArray();

    static long[] Episodes(IReadOnlyList<ItemPair<Probe>> pairs) => pairs.Select(p => p.Left.Number).ToArray();

    [Fact]
    public void DisagreementPicksTheHighestStdAcrossMembers()
    {
        // Population std of each row: 0, 0.3266, 0.0816, 0.4082, 0.0408, 0.1633.
        var predictor = new TablePredictor([
            [0.5f, 0.5f, 0.5f],
            [0.1f, 0.9f, 0.5f],
            [0.2f, 0.4f, 0.3f],
            [0.0f, 1.0f, 0.5f],
            [0.45f, 0.55f, 0.5f],
            [0.3f, 0.7f, 0.5f],
        ]);
        var sampler = new DisagreementQuerySampler<Probe>(predictor);
        Assert.Equal("disagreement", sampler.Name);
        var scores = sampler.ScorePool(Pool(6));
        Assert.Equal(Math.Sqrt(0.32 / 3), scores[1], 6);
        Assert.Equal(Math.Sqrt(0.5 / 3), scores[3], 6);
        Assert.Equal([3L, 1L, 5L], Episodes(sampler.SelectFromPool(Pool(6), 3)));
    }

    [Fact]
    public void EntropyPicksTheMeanPredictionsNearestOneHalf()
    {
        // Means: 0.9, 0.5, 0.45, 0.1, 0.65, 0.98. Candidate 1's members disagree, but its mean is the most uncertain.
        var predictor = new TablePredictor([
            [0.9f, 0.9f],
            [0.2f, 0.8f],
            [0.4f, 0.5f],
            [0.1f, 0.1f],
            [0.65f, 0.65f],
            [0.99f, 0.97f],
        ]);
        var sampler = new EntropyQuerySampler<Probe>(predictor);
        Assert.Equal("entropy", sampler.Name);
        Assert.Equal([1L, 2L, 4L], Episodes(sampler.SelectFromPool(Pool(6), 3)));
        Assert.Equal(Math.Log(2), EntropyQuerySampler<Probe>.BinaryEntropy(0.5), 12);
        Assert.Equal(-(0.1 * Math.Log(0.1) + 0.9 * Math.Log(0.9)), EntropyQuerySampler<Probe>.BinaryEntropy(0.1), 12);
        Assert.Equal(0.0, EntropyQuerySampler<Probe>.BinaryEntropy(1.0));
    }

    [Fact]
    public void ActiveSamplersScoreAPoolTenTimesTheRoundSize()
    {
        var predictor = new TablePredictor([[0.5f, 0.5f]]);
        var source = new CountingSource();
        var random = new SimRandom(1);
        var chosen = new DisagreementQuerySampler<Probe>(predictor).Select(source, 5, ref random);
        Assert.Equal(5, chosen.Count);
        Assert.Equal(1, predictor.Calls);
        Assert.Equal(50, predictor.LastPairCount);
        Assert.Equal(100, source.Drawn);

        var three = new EntropyQuerySampler<Probe>(predictor, candidateFactor: 3).Select(new CountingSource(), 4, ref random);
        Assert.Equal(12, predictor.LastPairCount);
        Assert.Equal(4, three.Count);
    }

    [Fact]
    public void UniformDrawsExactlyTheRoundSize()
    {
        var source = new CountingSource();
        var random = new SimRandom(1);
        var pairs = QuerySamplers.Create<Probe>(QuerySelection.Uniform).Select(source, 7, ref random);
        Assert.Equal(7, pairs.Count);
        Assert.Equal(14, source.Drawn);
        Assert.All(pairs, p => Assert.NotSame(p.Left, p.Right));
    }

    [Fact]
    public void BadInputIsRejectedByName()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => QuerySamplers.Create<Probe>(QuerySelection.Disagreement));
        Assert.Contains("Disagreement", ex.Message);
        var predictor = new TablePredictor([[0.5f]]);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new EntropyQuerySampler<Probe>(predictor).SelectFromPool(Pool(3), 4));
        Assert.Contains("count is 4", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EntropyQuerySampler<Probe>(predictor, candidateFactor: 0));
        var bad = new TablePredictor([[float.NaN]]);
        var invalid = Assert.Throws<InvalidOperationException>(() => new EntropyQuerySampler<Probe>(bad).ScorePool(Pool(1)));
        Assert.Contains("NaN", invalid.Message);
    }
}
