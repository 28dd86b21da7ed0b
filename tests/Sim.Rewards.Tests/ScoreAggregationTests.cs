using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;
using Sim.Rewards.Normalization;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Checks that one trained ensemble scores items under any aggregation asked for, as best-of-n's proxies need.</summary>
public sealed class ScoreAggregationTests
{
    [Fact]
    public void Scores_under_another_aggregation_combine_the_members_item_scores_by_that_rule()
    {
        var config = new EnsembleConfig { Members = 3, Seed = 9 };
        using var model = new RewardModel<TokenSequence>(config, Aggregation.Mean, RewardNormalization.None, new TokenCollator(),
            g => new TokenEncoder(TokenPool.Vocabulary, 4, perToken: false, g));
        var items = new List<TokenSequence> { new([1, 2, 3]), new([7, 7]), new([0, 5, 9, 4]) };
        float[,] members;
        using (var scope = NewDisposeScope())
        {
            var perMember = model.Ensemble.Score(new TokenCollator().Collate(items, CPU));
            members = new float[3, 3];
            var values = perMember.data<float>().ToArray();
            for (int m = 0; m < 3; m++)
                for (int i = 0; i < 3; i++) members[m, i] = values[m * 3 + i];
        }
        var scores = new float[3];
        for (int i = 0; i < 3; i++)
        {
            double a = members[0, i], b = members[1, i], c = members[2, i];
            double mean = (a + b + c) / 3;
            double variance = ((a - mean) * (a - mean) + (b - mean) * (b - mean) + (c - mean) * (c - mean)) / 3;
            model.Score(items, scores, Aggregation.WorstCase);
            Assert.Equal(Math.Min(a, Math.Min(b, c)), scores[i], 1e-5);
            model.Score(items, scores, Aggregation.UncertaintyPenalized(2));
            Assert.Equal(mean - 2 * variance, scores[i], 1e-5);
            model.Score(items, scores, Aggregation.OfMember(1));
            Assert.Equal(b, scores[i], 1e-5);
            model.Score(items, scores);
            Assert.Equal(mean, scores[i], 1e-5);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Score(items, scores, Aggregation.OfMember(3)));
    }
}
