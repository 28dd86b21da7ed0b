using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Learning.Ppo;

/// <summary>PPO's clipped objective (Schulman et al. 2017) as CleanRL computes it, separated from the trainer so it can be checked by hand.</summary>
public static class PpoLoss
{
    private static readonly Scalar StdEpsilon = 1e-8.ToScalar();

    /// <summary>Computes the loss terms of one minibatch; all inputs are <c>[batch]</c>.</summary>
    /// <param name="newLogProbs">log π_θ(a|s) under the weights being optimised.</param>
    /// <param name="oldLogProbs">log π_old(a|s) recorded when the action was taken.</param>
    /// <param name="advantages">Advantage estimates, already normalised if that is wanted (see <see cref="NormalizeAdvantages"/>).</param>
    /// <param name="returns">Value targets.</param>
    /// <param name="newValues">V_θ(s) under the weights being optimised.</param>
    /// <param name="oldValues">V(s) recorded when the action was taken; the centre of value clipping.</param>
    /// <param name="entropies">Policy entropy at each state.</param>
    /// <param name="clipCoef">ε: ratios are clipped to [1 − ε, 1 + ε], and clipped values to old ± ε.</param>
    /// <param name="clipValueLoss">Whether the value loss is the larger of the clipped and unclipped squared errors.</param>
    /// <param name="entropyCoef">Weight of the entropy bonus in <see cref="PpoLossTerms.Total"/>.</param>
    /// <param name="valueCoef">Weight of the value loss in <see cref="PpoLossTerms.Total"/>.</param>
    public static PpoLossTerms Compute(
        Tensor newLogProbs, Tensor oldLogProbs, Tensor advantages, Tensor returns, Tensor newValues, Tensor oldValues, Tensor entropies,
        double clipCoef, bool clipValueLoss, double entropyCoef = 0.0, double valueCoef = 0.5)
    {
        ArgumentNullException.ThrowIfNull(newLogProbs);
        long n = newLogProbs.numel();
        if (newLogProbs.dim() != 1) throw new ArgumentException($"newLogProbs has shape [{string.Join(", ", newLogProbs.shape)}]: expected [batch]", nameof(newLogProbs));
        CheckBatch(oldLogProbs, n, nameof(oldLogProbs));
        CheckBatch(advantages, n, nameof(advantages));
        CheckBatch(returns, n, nameof(returns));
        CheckBatch(newValues, n, nameof(newValues));
        CheckBatch(oldValues, n, nameof(oldValues));
        CheckBatch(entropies, n, nameof(entropies));
        if (!(double.IsFinite(clipCoef) && clipCoef > 0)) throw new ArgumentOutOfRangeException(nameof(clipCoef), clipCoef, $"clipCoef = {clipCoef}: expected a finite value > 0");

        // Held (and disposed) here rather than converted implicitly at each use: see TorchScalars.
        using var clip = clipCoef.ToScalar();
        using var minusClip = (-clipCoef).ToScalar();
        using var lowestRatio = (1 - clipCoef).ToScalar();
        using var highestRatio = (1 + clipCoef).ToScalar();
        using var entropyWeight = entropyCoef.ToScalar();
        using var valueWeight = valueCoef.ToScalar();

        var logRatio = newLogProbs - oldLogProbs;
        var ratio = logRatio.exp();

        Tensor oldApproxKl, approxKl, clipFraction;
        using (no_grad())
        {
            oldApproxKl = logRatio.neg().mean();
            approxKl = ratio.sub(One).sub(logRatio).mean();
            clipFraction = ratio.sub(One).abs().gt(clip).to(ScalarType.Float32).mean();
        }

        // The surrogate is pessimistic: max of the two losses = min of the two objectives.
        var unclippedLoss = -advantages * ratio;
        var clippedLoss = -advantages * ratio.clamp(lowestRatio, highestRatio);
        var policyLoss = maximum(unclippedLoss, clippedLoss).mean();

        Tensor valueLoss;
        var unclippedError = (newValues - returns).pow(Two);
        if (clipValueLoss)
        {
            var clippedValues = oldValues.add((newValues - oldValues).clamp(minusClip, clip), One);
            var clippedError = (clippedValues - returns).pow(Two);
            valueLoss = maximum(unclippedError, clippedError).mean().mul(OneHalf);
        }
        else
        {
            valueLoss = unclippedError.mean().mul(OneHalf);
        }

        var entropy = entropies.mean();
        var total = policyLoss.sub(entropy.mul(entropyWeight)).add(valueLoss.mul(valueWeight), One);
        return new PpoLossTerms(total, policyLoss, valueLoss, entropy, oldApproxKl, approxKl, clipFraction);
    }

    /// <summary>(a − mean) / (std + 1e-8) over the minibatch, with the unbiased (n − 1) std as <c>torch.std</c> computes it.</summary>
    public static Tensor NormalizeAdvantages(Tensor advantages)
    {
        ArgumentNullException.ThrowIfNull(advantages);
        if (advantages.numel() < 2)
            throw new ArgumentException($"advantages has {advantages.numel()} element(s): normalising needs at least 2 (use a larger minibatch or turn normalisation off)", nameof(advantages));
        using var scope = NewDisposeScope();
        var centred = advantages - advantages.mean();
        return (centred / advantages.std().add(StdEpsilon, One)).MoveToOuterDisposeScope();
    }

    private static void CheckBatch(Tensor tensor, long n, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.numel() != n || tensor.dim() != 1)
            throw new ArgumentException($"{name} has shape [{string.Join(", ", tensor.shape)}]: expected [{n}] like newLogProbs", name);
    }
}
