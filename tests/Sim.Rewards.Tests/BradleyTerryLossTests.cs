using Sim.Rewards.Losses;
using Sim.Rewards.Preferences;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Checks the preference loss against values computed by hand with plain double arithmetic.</summary>
public sealed class BradleyTerryLossTests
{
    // Pairs: Left preferred with difference 1, Equal with difference 0, Right preferred with difference 3 (a wrong prediction).
    private static readonly float[] LeftScores = { 1f, 0f, 2f };
    private static readonly float[] RightScores = { 0f, 0f, -1f };
    private static readonly float[] Targets = { 1f, 0.5f, 0f };

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    // −[y log P + (1 − y) log(1 − P)] with P = (1 − ε)σ(z) + ε/2, z shifted by the margin, y smoothed.
    private static double Expected(double epsilon, double margin, double smoothing)
    {
        double total = 0;
        for (int i = 0; i < Targets.Length; i++)
        {
            double y = Targets[i];
            double side = Math.Sign(y - 0.5);
            double z = LeftScores[i] - RightScores[i] - margin * side;
            double smoothed = y == 0.5 ? 0.5 : y * (1 - smoothing) + (1 - y) * smoothing;
            double p = (1 - epsilon) * Sigmoid(z) + epsilon / 2;
            total += -(smoothed * Math.Log(p) + (1 - smoothed) * Math.Log(1 - p));
        }
        return total / Targets.Length;
    }

    private static double Loss(PreferenceLossOptions options, float[]? margins = null)
    {
        using var scope = NewDisposeScope();
        var loss = BradleyTerryLoss.Loss(tensor(LeftScores), tensor(RightScores), tensor(Targets), options, margins is null ? null : tensor(margins));
        return loss.to_type(ScalarType.Float64).item<double>();
    }

    [Fact]
    public void Plain_loss_is_the_cross_entropy_of_the_softmax_over_the_two_scores()
    {
        // By hand: −log σ(1) = 0.313262, −log 0.5 = 0.693147, −log σ(−3) = 3.048587; mean 1.351665.
        Assert.Equal(1.3516654, Loss(PreferenceLossOptions.Plain), 1e-6);
        Assert.Equal(Expected(0, 0, 0), Loss(PreferenceLossOptions.Plain), 1e-5);
    }

    [Fact]
    public void Random_answer_noise_mixes_in_a_uniform_answer()
    {
        // P = 0.9 σ(z) + 0.05.
        Assert.Equal(Expected(0.1, 0, 0), Loss(PreferenceLossOptions.Christiano), 1e-5);
        Assert.Equal(Expected(0.3, 0, 0), Loss(new PreferenceLossOptions(RandomAnswerProbability: 0.3)), 1e-5);
    }

    [Fact]
    public void A_margin_works_against_the_preferred_side_and_not_on_Equal_pairs()
    {
        Assert.Equal(Expected(0, 0.5, 0), Loss(new PreferenceLossOptions(Margin: 0.5)), 1e-5);
        // Per-pair margins add to the global one: [0.25, 9 (ignored on Equal), 1] + 0.25.
        double expected = (-Math.Log(Sigmoid(1 - 0.5)) - Math.Log(0.5) - Math.Log(Sigmoid(-(3 + 1.25)))) / 3;
        Assert.Equal(expected, Loss(new PreferenceLossOptions(Margin: 0.25), new[] { 0.25f, 9f, 1f }), 1e-5);
    }

    [Fact]
    public void Label_smoothing_moves_hard_targets_towards_the_other_side()
    {
        Assert.Equal(Expected(0, 0, 0.1), Loss(new PreferenceLossOptions(LabelSmoothing: 0.1)), 1e-5);
        Assert.Equal(Expected(0.1, 0.5, 0.2), Loss(new PreferenceLossOptions(0.1, 0.5, 0.2)), 1e-5);
    }

    [Fact]
    public void Loss_stays_finite_for_huge_score_differences()
    {
        using var scope = NewDisposeScope();
        var loss = BradleyTerryLoss.PairLosses(tensor(new[] { 200f, -200f }), tensor(new[] { 0f, 0f }), tensor(new[] { 1f, 1f }));
        var values = loss.data<float>().ToArray();
        Assert.Equal(0.0, values[0], 1e-6);
        Assert.Equal(200.0, values[1], 3);
    }

    [Fact]
    public void Probability_accuracy_and_targets_match_hand_values()
    {
        using var scope = NewDisposeScope();
        var probability = BradleyTerryLoss.Probability(tensor(LeftScores), tensor(RightScores)).data<float>().ToArray();
        Assert.Equal(Sigmoid(1), probability[0], 1e-6);
        Assert.Equal(0.5, probability[1], 1e-6);
        Assert.Equal(Sigmoid(3), probability[2], 1e-6);

        var correct = BradleyTerryLoss.Correct(tensor(LeftScores), tensor(RightScores), tensor(Targets)).data<float>().ToArray();
        var decided = BradleyTerryLoss.Decided(tensor(Targets)).data<float>().ToArray();
        Assert.Equal(new[] { 1f, 0f, 0f }, correct);
        Assert.Equal(new[] { 1f, 0f, 1f }, decided);

        Assert.Equal(1f, PreferenceTargets.Of(PreferenceLabel.Left));
        Assert.Equal(0f, PreferenceTargets.Of(PreferenceLabel.Right));
        Assert.Equal(0.5f, PreferenceTargets.Of(PreferenceLabel.Equal));
        Assert.False(PreferenceTargets.IsTrainable(PreferenceLabel.Skip));
        Assert.Throws<ArgumentOutOfRangeException>(() => PreferenceTargets.Of(PreferenceLabel.Skip));
    }

    [Fact]
    public void Gradient_of_the_plain_loss_is_sigma_minus_target()
    {
        using var scope = NewDisposeScope();
        var left = tensor(LeftScores).requires_grad_();
        var right = tensor(RightScores);
        BradleyTerryLoss.Loss(left, right, tensor(Targets)).backward();
        var gradient = left.grad!.data<float>().ToArray();
        for (int i = 0; i < Targets.Length; i++)
            Assert.Equal((Sigmoid(LeftScores[i] - RightScores[i]) - Targets[i]) / Targets.Length, gradient[i], 1e-5);
    }

    [Fact]
    public void Options_out_of_range_are_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceLossOptions(RandomAnswerProbability: 1.5).Validate());
        Assert.Contains("RandomAnswerProbability = 1.5", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceLossOptions(Margin: -1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceLossOptions(LabelSmoothing: 0.7).Validate());
    }
}
