using Sim.Learning.Ppo;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Ppo;

/// <summary>Checks the clipped PPO loss terms and their gradients against hand-worked values.</summary>
public sealed class PpoLossTests
{
    // Ratios r = [1.5, 0.9, 0.5, 1.5] (old log-probs 0, new = ln r), advantages A = [1, −2, 3, −1], ε = 0.2.
    private static readonly float[] Ratios = { 1.5f, 0.9f, 0.5f, 1.5f };
    private static readonly float[] Advantages = { 1, -2, 3, -1 };
    private static readonly float[] Returns = { 1, 2, 3, 4 };
    private static readonly float[] OldValues = { 1, 1, 4, 4 };
    private static readonly float[] NewValues = { 1.5f, 1.1f, 3.0f, 4.5f };
    private static readonly float[] Entropies = { 1, 2, 3, 4 };

    [Fact]
    public void Policy_terms_match_hand_computation()
    {
        using var scope = NewDisposeScope();
        var terms = Compute(clipValueLoss: true, out _);

        // Per sample: max(−A·r, −A·clip(r, 0.8, 1.2))
        //   r = 1.5, A = 1:  max(−1.5, −1.2) = −1.2   (gain beyond the clip is not credited)
        //   r = 0.9, A = −2: max(1.8, 1.8)   = 1.8    (inside the clip range)
        //   r = 0.5, A = 3:  max(−1.5, −2.4) = −1.5   (a loss is never clipped away)
        //   r = 1.5, A = −1: max(1.5, 1.2)   = 1.5
        // mean = (−1.2 + 1.8 − 1.5 + 1.5) / 4 = 0.15
        Assert.Equal(0.15, terms.PolicyLoss.item<float>(), 1e-5);
        // |r − 1| > 0.2 for samples 0, 2, 3.
        Assert.Equal(0.75, terms.ClipFraction.item<float>(), 1e-6);
        // mean((r − 1) − ln r) = [0.0945349 + 0.0053605 + 0.1931472 + 0.0945349] / 4
        Assert.Equal(0.0968944, terms.ApproxKl.item<float>(), 1e-5);
        // mean(−ln r) = −(0.4054651 − 0.1053605 − 0.6931472 + 0.4054651) / 4
        Assert.Equal(-0.0031056, terms.OldApproxKl.item<float>(), 1e-5);
        Assert.Equal(2.5, terms.Entropy.item<float>(), 1e-6);
    }

    [Fact]
    public void Clipped_value_loss_matches_hand_computation()
    {
        using var scope = NewDisposeScope();
        var terms = Compute(clipValueLoss: true, out _);

        // Clipped values = old + clip(new − old, −0.2, 0.2) = [1.2, 1.1, 3.8, 4.2]
        //   squared errors unclipped: [(1.5−1)², (1.1−2)², (3−3)², (4.5−4)²] = [0.25, 0.81, 0, 0.25]
        //   squared errors clipped:   [(1.2−1)², (1.1−2)², (3.8−3)², (4.2−4)²] = [0.04, 0.81, 0.64, 0.04]
        //   elementwise max: [0.25, 0.81, 0.64, 0.25], mean 0.4875, times ½ = 0.24375
        Assert.Equal(0.24375, terms.ValueLoss.item<float>(), 1e-5);
        // total = 0.15 − 0.01·2.5 + 0.5·0.24375
        Assert.Equal(0.246875, terms.Total.item<float>(), 1e-5);
    }

    [Fact]
    public void Unclipped_value_loss_matches_hand_computation()
    {
        using var scope = NewDisposeScope();
        var terms = Compute(clipValueLoss: false, out _);

        // ½ · mean([0.25, 0.81, 0, 0.25]) = ½ · 0.3275
        Assert.Equal(0.16375, terms.ValueLoss.item<float>(), 1e-5);
        Assert.Equal(0.15 - 0.025 + 0.5 * 0.16375, terms.Total.item<float>(), 1e-5);
    }

    [Fact]
    public void Policy_gradient_is_zero_where_the_clip_is_active()
    {
        using var scope = NewDisposeScope();
        var terms = Compute(clipValueLoss: true, out var newLogProbs);
        terms.PolicyLoss.backward();

        // d/d(ln r_i) of −A_i·r_i / n = −A_i·r_i / 4 where the unclipped branch is chosen, 0 where the clipped one is:
        //   sample 0: clipped → 0;  sample 1: −(−2)(0.9)/4 = 0.45;  sample 2: −(3)(0.5)/4 = −0.375;  sample 3: −(−1)(1.5)/4 = 0.375
        var grad = newLogProbs.grad!.data<float>().ToArray();
        Assert.Equal(0.0, grad[0], 1e-6);
        Assert.Equal(0.45, grad[1], 1e-5);
        Assert.Equal(-0.375, grad[2], 1e-5);
        Assert.Equal(0.375, grad[3], 1e-5);
    }

    [Fact]
    public void Advantage_normalisation_uses_the_unbiased_std()
    {
        using var scope = NewDisposeScope();
        var normalized = PpoLoss.NormalizeAdvantages(tensor(new float[] { 1, 2, 3, 4 })).data<float>().ToArray();
        // mean 2.5; unbiased variance = (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3, std = 1.2909944
        double std = Math.Sqrt(5.0 / 3.0);
        Assert.Equal(-1.5 / std, normalized[0], 1e-5);
        Assert.Equal(-0.5 / std, normalized[1], 1e-5);
        Assert.Equal(0.5 / std, normalized[2], 1e-5);
        Assert.Equal(1.5 / std, normalized[3], 1e-5);
    }

    [Fact]
    public void Mismatched_lengths_name_the_bad_input()
    {
        using var scope = NewDisposeScope();
        var four = zeros(4);
        var ex = Assert.Throws<ArgumentException>(() => PpoLoss.Compute(four, four, zeros(3), four, four, four, four, 0.2, true));
        Assert.Contains("advantages", ex.Message);
    }

    private static PpoLossTerms Compute(bool clipValueLoss, out Tensor newLogProbs)
    {
        newLogProbs = tensor(Ratios.Select(r => MathF.Log(r)).ToArray(), requires_grad: true);
        return PpoLoss.Compute(
            newLogProbs, zeros(4), tensor(Advantages), tensor(Returns), tensor(NewValues), tensor(OldValues), tensor(Entropies),
            clipCoef: 0.2, clipValueLoss: clipValueLoss, entropyCoef: 0.01, valueCoef: 0.5);
    }
}
