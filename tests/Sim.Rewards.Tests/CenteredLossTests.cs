using Sim.Rewards.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Checks the reward-model centring term c·(s_left + s_right)² and its combination with a margin, by hand.</summary>
public sealed class CenteredLossTests
{
    private static double MinusLogSigmoid(double x) => Math.Log(1 + Math.Exp(-x));

    [Fact]
    public void Centring_adds_c_times_the_squared_score_sum_to_each_pair()
    {
        using var scope = NewDisposeScope();
        // Pair 0: Left preferred, scores 2 and 1: −log σ(1) + 0.01·3² ; pair 1: Right preferred, scores −1 and 0.5: −log σ(1.5) + 0.01·0.5².
        var losses = BradleyTerryLoss.PairLosses(tensor(new[] { 2f, -1f }), tensor(new[] { 1f, 0.5f }), tensor(new[] { 1f, 0f }),
            new PreferenceLossOptions(Centering: 0.01));
        var values = losses.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(MinusLogSigmoid(1) + 0.09, values[0], 6);
        Assert.Equal(MinusLogSigmoid(1.5) + 0.0025, values[1], 6);
    }

    [Fact]
    public void Margin_and_centring_together_follow_TRLs_reward_loss()
    {
        using var scope = NewDisposeScope();
        // −log σ(r_c − r_r − m) + c (r_c + r_r)² with r_c = 0.5, r_r = −1, m = 1, c = 0.1: −log σ(0.5) + 0.1·0.25.
        var loss = BradleyTerryLoss.Loss(tensor(new[] { 0.5f }), tensor(new[] { -1f }), tensor(new[] { 1f }),
            new PreferenceLossOptions(Margin: 1, Centering: 0.1));
        Assert.Equal(MinusLogSigmoid(0.5) + 0.025, loss.to_type(ScalarType.Float64).item<double>(), 6);
    }

    [Fact]
    public void Centring_pulls_the_gradient_of_both_scores_towards_a_zero_sum()
    {
        using var scope = NewDisposeScope();
        var left = tensor(new[] { 3f }, requires_grad: true);
        var right = tensor(new[] { 3f }, requires_grad: true);
        BradleyTerryLoss.Loss(left, right, tensor(new[] { 0.5f }), new PreferenceLossOptions(Centering: 0.5)).backward();
        // Equal pair at equal scores: the likelihood term is flat (its gradients are ±(σ(0) − 0.5) = 0); 0.5·2·(3 + 3) = 6 each.
        Assert.Equal(6.0, left.grad!.item<float>(), 5);
        Assert.Equal(6.0, right.grad!.item<float>(), 5);
    }

    [Fact]
    public void A_negative_centring_coefficient_is_named()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceLossOptions(Centering: -0.1).Validate());
        Assert.Contains("Centering = -0.1: expected a finite coefficient ≥ 0", e.Message);
    }
}
