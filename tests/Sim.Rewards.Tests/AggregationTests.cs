using Sim.Rewards.Ensembles;
using Sim.Rewards.Normalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Checks ensemble aggregation and reward normalisation against hand-computed values.</summary>
public sealed class AggregationTests
{
    // Three members, two items: column 0 is (1, 3, 2), column 1 is (2, −2, 6).
    private static Tensor PerMember() => tensor(new[] { 1f, 2f, 3f, -2f, 2f, 6f }, new long[] { 3, 2 });

    private static float[] Apply(Aggregation aggregation)
    {
        using var scope = NewDisposeScope();
        return aggregation.Apply(PerMember()).data<float>().ToArray();
    }

    [Fact]
    public void Mean_worst_case_and_member_match_hand_values()
    {
        Assert.Equal(new[] { 2f, 2f }, Apply(Aggregation.Mean));
        Assert.Equal(new[] { 1f, -2f }, Apply(Aggregation.WorstCase));
        Assert.Equal(new[] { 3f, -2f }, Apply(Aggregation.OfMember(1)));
    }

    [Fact]
    public void Uncertainty_penalty_uses_the_population_variance()
    {
        // Variances: ((1−2)² + (3−2)² + 0)/3 = 2/3 and (0 + 16 + 16)/3 = 32/3.
        var penalized = Apply(Aggregation.UncertaintyPenalized(0.5));
        Assert.Equal(2 - 0.5 * 2.0 / 3, penalized[0], 1e-5);
        Assert.Equal(2 - 0.5 * 32.0 / 3, penalized[1], 1e-5);

        using var scope = NewDisposeScope();
        var std = Aggregation.StandardDeviation(PerMember()).data<float>().ToArray();
        Assert.Equal(Math.Sqrt(2.0 / 3), std[0], 1e-5);
        Assert.Equal(Math.Sqrt(32.0 / 3), std[1], 1e-5);
    }

    [Fact]
    public void The_rule_saved_in_configs_and_model_files_keeps_its_three_fields()
    {
        string json = System.Text.Json.JsonSerializer.Serialize(Aggregation.UncertaintyPenalized(0.5));
        Assert.Equal("""{"Kind":2,"Lambda":0.5,"MemberIndex":0}""", json);
    }

    [Fact]
    public void A_member_index_outside_the_ensemble_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Apply(Aggregation.OfMember(3)));
        Assert.Contains("MemberIndex = 3", error.Message);
    }

    [Fact]
    public void Normaliser_standardises_or_scales_with_the_fitted_statistics()
    {
        using var scope = NewDisposeScope();
        var sample = tensor(new[] { 1f, 2f, 3f, 4f });
        double std = Math.Sqrt(1.25);

        var standardize = new RewardNormalizer(RewardNormalization.Standardize);
        standardize.Fit(sample);
        Assert.Equal(2.5, standardize.Mean, 1e-6);
        Assert.Equal(std, standardize.Std, 1e-6);
        Assert.Equal(4, standardize.FittedCount);
        var standardized = standardize.Apply(tensor(new[] { 2.5f, 5f })).data<float>().ToArray();
        Assert.Equal(0, standardized[0], 1e-5);
        Assert.Equal(2.5 / std, standardized[1], 1e-5);

        var scale = new RewardNormalizer(RewardNormalization.Scale);
        scale.Fit(sample);
        Assert.Equal(5 / std, scale.Apply(tensor(new[] { 5f })).data<float>()[0], 1e-5);

        var unitMean = new RewardNormalizer(RewardNormalization.UnitMean);
        unitMean.Fit(sample);
        var lifted = unitMean.Apply(tensor(new[] { 2.5f, 1f })).data<float>().ToArray();
        // The sample's mean maps to 1, and 1 sits 1.5 below it: 1 − 1.5 / √1.25.
        Assert.Equal(1, lifted[0], 1e-5);
        Assert.Equal(1 - 1.5 / std, lifted[1], 1e-5);

        var none = new RewardNormalizer(RewardNormalization.None);
        none.Fit(sample);
        Assert.Equal(5f, none.Apply(tensor(new[] { 5f })).data<float>()[0]);
    }

    [Fact]
    public void A_constant_sample_does_not_divide_by_zero()
    {
        using var scope = NewDisposeScope();
        var normalizer = new RewardNormalizer(RewardNormalization.Standardize);
        normalizer.Fit(tensor(new[] { 3f, 3f, 3f }));
        Assert.Equal(RewardNormalizer.MinimumStd, normalizer.Std);
        Assert.Equal(0f, normalizer.Apply(tensor(new[] { 3f })).data<float>()[0]);
    }
}
