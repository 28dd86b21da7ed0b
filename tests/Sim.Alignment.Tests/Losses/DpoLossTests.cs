using Sim.Alignment.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Alignment.Tests.Losses;

/// <summary>Checks every DPO-family loss against values worked out by hand on two pairs.</summary>
/// <remarks>Pair 0: log-ratios h_w = −5 − (−6) = 1 and h_l = −7 − (−6) = −1, so Δ = 2; pair 1 the mirror image, Δ = −2.
/// Token counts (chosen 2 and 4, rejected 4 and 2) make the per-token averages differ from the sums.</remarks>
public sealed class DpoLossTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double MinusLogSigmoid(double x) => Math.Log(1 + Math.Exp(-x));

    private static PairLogProbs LogProbs(bool withReference = true, bool requiresGrad = false) => new(
        tensor(new[] { -5f, -8f }, requires_grad: requiresGrad),
        tensor(new[] { -7f, -6f }),
        withReference ? tensor(new[] { -6f, -7f }) : null,
        withReference ? tensor(new[] { -6f, -7f }) : null,
        tensor(new[] { 2f, 4f }),
        tensor(new[] { 4f, 2f }));

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void Sigmoid_DPO_is_minus_log_sigmoid_of_beta_delta_with_beta_log_ratio_rewards()
    {
        using var scope = NewDisposeScope();
        var result = DpoLoss.Compute(LogProbs(), new DpoLossOptions(DpoVariant.Sigmoid, Beta: 0.5));
        // βΔ = ±1.
        Assert.Equal([MinusLogSigmoid(1), MinusLogSigmoid(-1)], Values(result.Losses), new ToleranceComparer(1e-6));
        Assert.Equal((MinusLogSigmoid(1) + MinusLogSigmoid(-1)) / 2, result.Loss.item<float>(), 5);
        Assert.Equal([0.5, -0.5], Values(result.ChosenRewards));
        Assert.Equal([-0.5, 0.5], Values(result.RejectedRewards));
        Assert.Equal([1.0, -1.0], Values(result.Margins));
        Assert.Equal([1.0, 0.0], Values(result.Accuracies()));
    }

    [Fact]
    public void Sigmoid_DPO_gradient_reaches_the_policy_log_probs()
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs(requiresGrad: true);
        DpoLoss.Compute(logProbs, new DpoLossOptions(DpoVariant.Sigmoid, Beta: 0.5)).Loss.backward();
        // d/dπ_w of the mean of −log σ(β(π_w − …)) over 2 pairs: −β(1 − σ(βΔ))/2.
        var grad = Values(logProbs.PolicyChosen.grad!);
        Assert.Equal(-0.5 * (1 - Sigmoid(1)) / 2, grad[0], 6);
        Assert.Equal(-0.5 * (1 - Sigmoid(-1)) / 2, grad[1], 6);
    }

    [Fact]
    public void Conservative_DPO_mixes_in_the_flipped_label_with_weight_epsilon()
    {
        using var scope = NewDisposeScope();
        var result = DpoLoss.Compute(LogProbs(), new DpoLossOptions(DpoVariant.Conservative, Beta: 0.5, LabelSmoothing: 0.1));
        double pair0 = 0.9 * MinusLogSigmoid(1) + 0.1 * MinusLogSigmoid(-1);
        double pair1 = 0.9 * MinusLogSigmoid(-1) + 0.1 * MinusLogSigmoid(1);
        Assert.Equal([pair0, pair1], Values(result.Losses), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void Hinge_is_relu_of_one_minus_beta_delta()
    {
        using var scope = NewDisposeScope();
        var result = DpoLoss.Compute(LogProbs(), new DpoLossOptions(DpoVariant.Hinge, Beta: 0.5));
        Assert.Equal([0.0, 2.0], Values(result.Losses), new ToleranceComparer(1e-6));
        Assert.Equal(1.0, result.Loss.item<float>(), 6);
    }

    [Fact]
    public void IPO_squares_the_gap_between_the_per_token_delta_and_one_over_two_beta()
    {
        using var scope = NewDisposeScope();
        var result = DpoLoss.Compute(LogProbs(), new DpoLossOptions(DpoVariant.Ipo, Beta: 0.5));
        // Pair 0: h̄_w = (−5 + 6)/2 = 0.5, h̄_l = (−7 + 6)/4 = −0.25, Δ̄ = 0.75; pair 1: Δ̄ = −0.25 − 0.5 = −0.75; 1/(2β) = 1.
        Assert.Equal([0.0625, 3.0625], Values(result.Losses), new ToleranceComparer(1e-6));
        Assert.Equal(1.5625, result.Loss.item<float>(), 5);
        Assert.Equal([0.25, -0.125], Values(result.ChosenRewards), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void SimPO_needs_no_reference_and_subtracts_gamma_from_the_scaled_average_gap()
    {
        using var scope = NewDisposeScope();
        var result = DpoLoss.Compute(LogProbs(withReference: false), new DpoLossOptions(DpoVariant.SimPo, Beta: 2, SimPoGamma: 0.5));
        // Averages: chosen −2.5, −2; rejected −1.75, −3. β(avg_w − avg_l) − γ = −2 and 1.5.
        Assert.Equal([MinusLogSigmoid(-2), MinusLogSigmoid(1.5)], Values(result.Losses), new ToleranceComparer(1e-6));
        Assert.Equal([-5.0, -4.0], Values(result.ChosenRewards), new ToleranceComparer(1e-6));
        Assert.Equal([-3.5, -6.0], Values(result.RejectedRewards), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void A_variant_with_a_reference_refuses_missing_reference_log_probs()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => DpoLoss.Compute(LogProbs(withReference: false), new DpoLossOptions(DpoVariant.Sigmoid)));
        Assert.StartsWith("ReferenceChosen is missing: the Sigmoid loss needs it", e.Message);
    }

    [Fact]
    public void Constants_out_of_range_are_named()
    {
        Assert.Contains("Beta = 0", Assert.Throws<ArgumentOutOfRangeException>(() => new DpoLossOptions(DpoVariant.Sigmoid, Beta: 0).Validate()).Message);
        Assert.Contains("with Hinge", Assert.Throws<ArgumentOutOfRangeException>(() => new DpoLossOptions(DpoVariant.Hinge, LabelSmoothing: 0.1).Validate()).Message);
        Assert.Contains("with Conservative", Assert.Throws<ArgumentOutOfRangeException>(() => new DpoLossOptions(DpoVariant.Conservative).Validate()).Message);
    }
}
