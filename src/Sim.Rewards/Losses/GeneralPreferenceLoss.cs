using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Losses;

/// <summary>The general preference model's score and loss (GPM, Zhang et al.): each item embeds to v ∈ R^{2k}, normalised
/// to unit length, and the preference score of left over right is s = ⟨R v_left, v_right⟩ with R block-diagonal in
/// blocks [[0, −1], [1, 0]]. R is skew-symmetric, so s(a, b) = −s(b, a) and s(a, a) = 0, but unlike a difference of
/// scalar scores s can be cyclic (A ≻ B ≻ C ≻ A), which Bradley–Terry cannot represent.</summary>
/// <remarks>P̂(left ≻ right) = σ(s/τ). The loss is the reward core's Bradley–Terry cross-entropy with s/τ as the logit,
/// so ties, noise and smoothing behave as for scalar scores.</remarks>
public static class GeneralPreferenceLoss
{
    // Keeps a zero embedding from dividing by zero; such an item scores 0 against everything.
    private static readonly Scalar NormFloor = 1e-12.ToScalar();

    /// <summary>The temperature τ GPM uses for embeddings of <paramref name="dimensions"/>: 1 for 2, 0.1 for more (whose
    /// unit-norm scores stay within [−1, 1] and need sharpening to express confident preferences).</summary>
    public static double DefaultTemperature(int dimensions) => dimensions == 2 ? 1 : 0.1;

    /// <summary>s = ⟨R v_left, v_right⟩ of each pair, <c>[pairs]</c>, from embeddings <c>[pairs, 2k]</c> (normalised here).</summary>
    /// <exception cref="ArgumentException">The embeddings are not both <c>[pairs, 2k]</c> with the same even width.</exception>
    public static Tensor Scores(Tensor leftEmbeddings, Tensor rightEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(leftEmbeddings);
        ArgumentNullException.ThrowIfNull(rightEmbeddings);
        CheckEmbeddings(leftEmbeddings, rightEmbeddings);
        using var scope = NewDisposeScope();
        long pairs = leftEmbeddings.shape[0], blocks = leftEmbeddings.shape[1] / 2;
        var left = Normalized(leftEmbeddings).reshape(pairs, blocks, 2);
        var right = Normalized(rightEmbeddings).reshape(pairs, blocks, 2);
        // R v = (−v₁, v₀) per block, so ⟨R l, r⟩ = Σ (l₀ r₁ − l₁ r₀).
        var forward = left.select(2, 0) * right.select(2, 1);
        var backward = left.select(2, 1) * right.select(2, 0);
        return (forward - backward).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>P̂(left ≻ right) = σ(s/τ) per pair, <c>[pairs]</c>.</summary>
    public static Tensor Probability(Tensor leftEmbeddings, Tensor rightEmbeddings, double temperature)
    {
        using var logits = Logits(leftEmbeddings, rightEmbeddings, temperature);
        return logits.sigmoid();
    }

    /// <summary>The loss of each pair, <c>[pairs]</c>: −[y log σ(s/τ) + (1 − y) log σ(−s/τ)] for target P(left ≻ right) = y.</summary>
    public static Tensor PairLosses(Tensor leftEmbeddings, Tensor rightEmbeddings, Tensor targets, double temperature)
    {
        using var scope = NewDisposeScope();
        var logits = Logits(leftEmbeddings, rightEmbeddings, temperature);
        return BradleyTerryLoss.PairLosses(logits, zeros_like(logits), targets).MoveToOuterDisposeScope();
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="temperature"/> is finite and > 0.</summary>
    public static void CheckTemperature(double temperature)
    {
        if (!(temperature > 0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"temperature = {temperature}: expected a finite τ > 0");
    }

    private static Tensor Logits(Tensor leftEmbeddings, Tensor rightEmbeddings, double temperature)
    {
        CheckTemperature(temperature);
        using var scores = Scores(leftEmbeddings, rightEmbeddings);
        using var inverse = (1 / temperature).ToScalar();
        return scores.mul(inverse);
    }

    private static Tensor Normalized(Tensor embeddings)
    {
        using var norms = embeddings.norm(1, keepdim: true);
        using var floored = norms.clamp_min(NormFloor);
        return embeddings / floored;
    }

    private static void CheckEmbeddings(Tensor left, Tensor right)
    {
        if (left.dim() != 2 || left.shape[1] < 2 || left.shape[1] % 2 != 0)
            throw new ArgumentException($"left embeddings have shape [{string.Join(", ", left.shape)}]: expected [pairs, 2k] with an even width ≥ 2", nameof(left));
        if (right.dim() != 2 || right.shape[0] != left.shape[0] || right.shape[1] != left.shape[1])
            throw new ArgumentException($"right embeddings have shape [{string.Join(", ", right.shape)}]: expected [{left.shape[0]}, {left.shape[1]}] like the left ones", nameof(right));
    }
}
