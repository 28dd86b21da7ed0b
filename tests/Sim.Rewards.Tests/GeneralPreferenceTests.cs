using Sim.Rewards.Ensembles;
using Sim.Rewards.Losses;
using Sim.Rewards.Models;
using Sim.Rewards.Normalization;
using Sim.Rewards.Preferences;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Checks the general preference model: its skew-symmetric score by hand, and on a cyclic preference set
/// (A ≻ B ≻ C ≻ A) that it reaches the best loss the geometry allows while Bradley–Terry is stuck at chance.</summary>
public sealed class GeneralPreferenceTests
{
    private static double MinusLogSigmoid(double x) => Math.Log(1 + Math.Exp(-x));

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void The_score_is_the_skew_symmetric_product_of_unit_embeddings()
    {
        using var scope = NewDisposeScope();
        // 2-D: (3, 4) normalises to (0.6, 0.8); against (1, 0): l₀r₁ − l₁r₀ = 0.6·0 − 0.8·1 = −0.8.
        // 4-D: (1, 0, 0, 1)/√2 against (0, 1, −1, 0)/√2: ½·(1·1 − 0·0) + ½·(0·0 − 1·(−1)) = 1.
        var left = tensor(new[] { 3f, 4f }, new long[] { 1, 2 });
        var right = tensor(new[] { 1f, 0f }, new long[] { 1, 2 });
        Assert.Equal(-0.8, Values(GeneralPreferenceLoss.Scores(left, right))[0], 6);
        Assert.Equal(0.8, Values(GeneralPreferenceLoss.Scores(right, left))[0], 6);
        Assert.Equal(0.0, Values(GeneralPreferenceLoss.Scores(left, left))[0], 6);
        var wide = GeneralPreferenceLoss.Scores(tensor(new[] { 1f, 0f, 0f, 1f }, new long[] { 1, 4 }), tensor(new[] { 0f, 1f, -1f, 0f }, new long[] { 1, 4 }));
        Assert.Equal(1.0, Values(wide)[0], 6);
    }

    [Fact]
    public void The_loss_is_minus_log_sigmoid_of_the_score_over_the_temperature()
    {
        using var scope = NewDisposeScope();
        var left = tensor(new[] { 3f, 4f, 1f, 0f, 0f, 1f, 1f, 0f }, new long[] { 4, 2 });
        var right = tensor(new[] { 1f, 0f, 3f, 4f, 1f, 0f, 0f, 1f }, new long[] { 4, 2 });
        // Scores −0.8, 0.8, −1, 1; targets Left, Left, Right, Equal; τ = 0.5.
        var losses = Values(GeneralPreferenceLoss.PairLosses(left, right, tensor(new[] { 1f, 1f, 0f, 0.5f }), 0.5));
        Assert.Equal(MinusLogSigmoid(-1.6), losses[0], 5);
        Assert.Equal(MinusLogSigmoid(1.6), losses[1], 5);
        Assert.Equal(MinusLogSigmoid(2), losses[2], 5);
        Assert.Equal(0.5 * MinusLogSigmoid(2) + 0.5 * MinusLogSigmoid(-2), losses[3], 5);
        Assert.Equal(1.0, GeneralPreferenceLoss.DefaultTemperature(2));
        Assert.Equal(0.1, GeneralPreferenceLoss.DefaultTemperature(8));
    }

    [Fact]
    public void Embeddings_of_odd_width_are_refused()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => GeneralPreferenceLoss.Scores(zeros(2, 3), zeros(2, 3)));
        Assert.StartsWith("left embeddings have shape [2, 3]: expected [pairs, 2k] with an even width ≥ 2", e.Message);
    }

    // A ≻ B, B ≻ C, C ≻ A, each pair shown in both orders so neither side of the store is favoured.
    private static List<LabeledPair<TokenSequence>> CyclicPairs()
    {
        var items = Enumerable.Range(0, 3).Select(i => new TokenSequence([i])).ToArray();
        var pairs = new List<LabeledPair<TokenSequence>>();
        for (int i = 0; i < 3; i++)
        {
            var better = items[i];
            var worse = items[(i + 1) % 3];
            pairs.Add(new LabeledPair<TokenSequence>(new PreferencePair<TokenSequence>(2 * i, better, worse), PreferenceLabel.Left, "cycle", DateTimeOffset.UnixEpoch));
            pairs.Add(new LabeledPair<TokenSequence>(new PreferencePair<TokenSequence>(2 * i + 1, worse, better), PreferenceLabel.Right, "cycle", DateTimeOffset.UnixEpoch));
        }
        return pairs;
    }

    private static EnsembleConfig Training => new() { Members = 1, LearningRate = 0.05, BatchSize = 6, MaxEpochs = 600, StopAtAccuracy = null, Seed = 3 };

    [Fact]
    public void On_a_cycle_GPM_reaches_its_geometric_optimum_and_Bradley_Terry_stays_at_chance()
    {
        var pairs = CyclicPairs();
        var left = pairs.Where(p => p.Label == PreferenceLabel.Left).Select(p => p.Pair.Left).ToList();
        var right = pairs.Where(p => p.Label == PreferenceLabel.Left).Select(p => p.Pair.Right).ToList();

        // 2-D, τ = 1: the best unit vectors for a 3-cycle sit 120° apart, so each score is sin 120° = √3/2.
        using (var gpm = new GeneralPreferenceModel<TokenSequence>(Training, new TokenCollator(), g => new ItemEmbeddingEncoder(3, 2, g), 1))
        {
            var report = gpm.Train(pairs);
            Assert.Equal(1.0, report.Accuracy);
            double optimum = MinusLogSigmoid(Math.Sqrt(3) / 2);
            Assert.InRange(report.Loss, optimum - 1e-4, optimum + 0.01);
            var probabilities = new float[3];
            gpm.PredictPreferences(left, right, probabilities);
            Assert.All(probabilities, p => Assert.InRange(p, 0.69, 0.705)); // σ(√3/2) = 0.7040
        }

        // Scalar scores: around a cycle the three differences sum to zero, so the best Bradley–Terry can do is all equal.
        using (var bt = new RewardModel<TokenSequence>(Training, Aggregation.Mean, RewardNormalization.None, new TokenCollator(), g => new ItemEmbeddingEncoder(3, 1, g)))
        {
            var report = bt.Train(pairs);
            Assert.InRange(report.Loss, Math.Log(2) - 1e-4, Math.Log(2) + 0.01);
            Assert.True(report.Accuracy <= 2.0 / 3 + 1e-9, $"Bradley–Terry accuracy {report.Accuracy} on a cycle");
            var probabilities = new float[3];
            bt.PredictPreferences(left, right, probabilities);
            Assert.All(probabilities, p => Assert.InRange(p, 0.45, 0.55));
        }
    }

    [Fact]
    public void Wider_embeddings_with_GPMs_temperature_fit_a_cycle_confidently()
    {
        var pairs = CyclicPairs();
        var left = pairs.Where(p => p.Label == PreferenceLabel.Left).Select(p => p.Pair.Left).ToList();
        var right = pairs.Where(p => p.Label == PreferenceLabel.Left).Select(p => p.Pair.Right).ToList();
        using var gpm = new GeneralPreferenceModel<TokenSequence>(Training with { Members = 2 }, new TokenCollator(),
            g => new ItemEmbeddingEncoder(3, 4, g), GeneralPreferenceLoss.DefaultTemperature(4));
        Assert.Equal(1.0, gpm.Train(pairs).Accuracy);
        var probabilities = new float[2 * 3];
        gpm.PredictPreferences(left, right, probabilities);
        // Each score can reach √3/2 in one 2-D block; over τ = 0.1 that is σ(8.66) ≈ 0.9998.
        Assert.All(probabilities, p => Assert.True(p > 0.95, $"P = {p}"));
    }
}
