using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>SAC's targets and losses as pure tensor functions (Haarnoja et al. 2018, with twin critics and automatic temperature).</summary>
/// <remarks>Every per-transition input is <c>[batch]</c>; α is a tensor (a scalar or broadcastable) so that it can stay on
/// the device, and it is treated as a constant in the critic and actor losses.</remarks>
public static class SacLosses
{
    /// <summary>The soft Bellman target y = r + γ·(1 − terminated)·(min(Q1′, Q2′)(s′, a′) − α·log π(a′|s′)), with a′ ~ π(·|s′).</summary>
    /// <param name="rewards">Rewards r.</param>
    /// <param name="terminated">1 where s′ is terminal (no bootstrap), 0 otherwise — including truncated steps, which bootstrap.</param>
    /// <param name="nextQ1">First target critic at (s′, a′).</param>
    /// <param name="nextQ2">Second target critic at (s′, a′).</param>
    /// <param name="nextLogProbs">log π(a′|s′).</param>
    /// <param name="alpha">Entropy temperature α.</param>
    /// <param name="gamma">Discount γ.</param>
    public static Tensor CriticTarget(Tensor rewards, Tensor terminated, Tensor nextQ1, Tensor nextQ2, Tensor nextLogProbs, Tensor alpha, double gamma)
    {
        using var minQ = minimum(nextQ1, nextQ2);
        using var constantAlpha = alpha.detach();
        using var entropyTerm = constantAlpha * nextLogProbs;
        using var softValue = minQ - entropyTerm;
        // 1 − terminated is written out: TorchSharp's (1 - t) is t.neg().add(1), whose hidden alpha is a temporary Scalar.
        using var minusTerminated = terminated.neg();
        using var alive = minusTerminated.add(One, One);
        using var gammaScalar = gamma.ToScalar();
        using var discount = alive.mul(gammaScalar);
        using var bootstrap = discount * softValue;
        return rewards.add(bootstrap, One);
    }

    /// <summary>One critic's loss: mean((Q(s, a) − y)²), with the target <paramref name="target"/> held constant.</summary>
    public static Tensor CriticLoss(Tensor q, Tensor target)
    {
        using var constantTarget = target.detach();
        using var error = q - constantTarget;
        using var square = error.pow(Two);
        return square.mean();
    }

    /// <summary>The actor loss mean(α·log π(ã|s) − min(Q1, Q2)(s, ã)) for reparameterised ã ~ π(·|s).</summary>
    public static Tensor ActorLoss(Tensor logProbs, Tensor q1, Tensor q2, Tensor alpha)
    {
        using var minQ = minimum(q1, q2);
        using var constantAlpha = alpha.detach();
        using var entropyTerm = constantAlpha * logProbs;
        using var perSample = entropyTerm - minQ;
        return perSample.mean();
    }

    /// <summary>The temperature loss mean(−log α·(log π(ã|s) + target entropy)), with log π held constant.</summary>
    /// <remarks>
    /// This is the form of the SAC paper's code and SB3; its gradient in log α is −mean(log π + H̄), which raises α
    /// while the policy's entropy −log π is below the target H̄ and lowers it above. CleanRL multiplies by α = exp(log α)
    /// instead of log α: the same fixed point and sign, with steps scaled by α.
    /// </remarks>
    public static Tensor AlphaLoss(Tensor logAlpha, Tensor logProbs, double targetEntropy)
    {
        using var constantLogProbs = logProbs.detach();
        using var targetEntropyScalar = targetEntropy.ToScalar();
        using var gap = constantLogProbs.add(targetEntropyScalar, One);
        using var negLogAlpha = logAlpha.neg();
        using var perSample = negLogAlpha * gap;
        return perSample.mean();
    }
}
