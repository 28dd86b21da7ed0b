using Sim.Alignment.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Alignment.Tests.Losses;

/// <summary>Checks KTO against values worked out by hand: log-ratios r = [1, −1, 0], desirable, undesirable, desirable.</summary>
public sealed class KtoLossTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static UnpairedLogProbs LogProbs(float[] policyMismatched, bool requiresGrad = false) => new(
        tensor(new[] { -4f, -6f, -5f }, requires_grad: requiresGrad),
        tensor(new[] { -5f, -5f, -5f }),
        tensor(new[] { 1f, 0f, 1f }),
        tensor(policyMismatched, requires_grad: requiresGrad),
        tensor(new[] { -6f, -5.5f }));

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void A_negative_mismatched_mean_is_clamped_to_a_zero_reference_point()
    {
        using var scope = NewDisposeScope();
        // Mismatched log-ratios −7 + 6 = −1 and −5 + 5.5 = 0.5: mean −0.25, clamped to z0 = 0.
        var result = KtoLoss.Compute(LogProbs([-7f, -5f]), new KtoLossOptions(Beta: 0.5, DesirableWeight: 1, UndesirableWeight: 1.5));
        Assert.Equal(0.0, result.ReferencePoint.item<float>());
        double[] expected = [1 - Sigmoid(0.5 * 1), 1.5 * (1 - Sigmoid(0.5 * (0 + 1))), 1 - Sigmoid(0)];
        Assert.Equal(expected, Values(result.Losses), new ToleranceComparer(1e-6));
        Assert.Equal(expected.Average(), result.Loss.item<float>(), 5);
        Assert.Equal([0.5, -0.5, 0.0], Values(result.Rewards), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void A_positive_mismatched_mean_is_the_reference_point_and_takes_no_gradient()
    {
        using var scope = NewDisposeScope();
        // Mismatched log-ratios −5 + 6 = 1 and −5 + 5.5 = 0.5: z0 = 0.75.
        var logProbs = LogProbs([-5f, -5f], requiresGrad: true);
        var result = KtoLoss.Compute(logProbs, new KtoLossOptions(Beta: 0.5));
        Assert.Equal(0.75, result.ReferencePoint.item<float>(), 6);
        double[] expected = [1 - Sigmoid(0.5 * (1 - 0.75)), 1 - Sigmoid(0.5 * (0.75 + 1)), 1 - Sigmoid(0.5 * (0 - 0.75))];
        Assert.Equal(expected, Values(result.Losses), new ToleranceComparer(1e-6));
        result.Loss.backward();
        Assert.True(logProbs.PolicyMismatched.grad is null || Values(logProbs.PolicyMismatched.grad).All(g => g == 0));
        // d/dπ_0 of (1 − σ(β(π_0 − ref_0 − z0)))/3 = −β σ(1 − σ)/3 at β(r − z0) = 0.125.
        double s = Sigmoid(0.125);
        Assert.Equal(-0.5 * s * (1 - s) / 3, Values(logProbs.Policy.grad!)[0], 6);
    }

    [Fact]
    public void A_desirability_flag_other_than_zero_or_one_is_named()
    {
        using var scope = NewDisposeScope();
        var logProbs = LogProbs([-5f, -5f]) with { Desirable = tensor(new[] { 1f, 0.5f, 0f }) };
        var e = Assert.Throws<ArgumentException>(() => KtoLoss.Compute(logProbs, new KtoLossOptions()));
        Assert.StartsWith("Desirable[1] = 0.5: expected 1 (desirable) or 0 (undesirable)", e.Message);
    }
}
