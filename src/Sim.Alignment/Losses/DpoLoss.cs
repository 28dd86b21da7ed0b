using Sim.Rewards.Losses;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Losses;

/// <summary>The DPO family (sigmoid, conservative, hinge, IPO, SimPO) over per-sequence log-probabilities, with the
/// implicit rewards for logging.</summary>
/// <remarks>Sigmoid DPO is the reward core's Bradley–Terry loss on the implicit rewards βh: conservative DPO is the same
/// loss with label smoothing ε, and SimPO is it on β·avg log π with margin γ, so those three go through
/// <see cref="BradleyTerryLoss"/> rather than a copy of it. Hinge and IPO are not likelihoods of a preference and are
/// written here.</remarks>
public static class DpoLoss
{
    /// <summary>The loss of <paramref name="options"/> on <paramref name="logProbs"/>.</summary>
    /// <exception cref="ArgumentException">A reference log-probability is missing for a variant that needs it, or the
    /// tensors are not all <c>[pairs]</c>.</exception>
    public static DpoLossResult Compute(PairLogProbs logProbs, DpoLossOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Check(logProbs, options);
        using var scope = NewDisposeScope();
        using var beta = options.Beta.ToScalar();
        Tensor chosen, rejected;
        if (options.AveragesPerToken)
        {
            chosen = logProbs.PolicyChosen / logProbs.ChosenTokens;
            rejected = logProbs.PolicyRejected / logProbs.RejectedTokens;
            if (options.UsesReference)
            {
                chosen = chosen - logProbs.ReferenceChosen! / logProbs.ChosenTokens;
                rejected = rejected - logProbs.ReferenceRejected! / logProbs.RejectedTokens;
            }
        }
        else
        {
            chosen = logProbs.PolicyChosen - logProbs.ReferenceChosen!;
            rejected = logProbs.PolicyRejected - logProbs.ReferenceRejected!;
        }
        // h_w and h_l: the (averaged) log-ratios, or SimPO's averaged log-probabilities; Δ = h_w − h_l.
        var chosenRewards = chosen.mul(beta);
        var rejectedRewards = rejected.mul(beta);
        Tensor losses;
        switch (options.Variant)
        {
            case DpoVariant.Sigmoid:
            case DpoVariant.Conservative:
            case DpoVariant.SimPo:
            {
                var targets = ones_like(chosenRewards);
                double margin = options.Variant == DpoVariant.SimPo ? options.SimPoGamma : 0;
                losses = BradleyTerryLoss.PairLosses(chosenRewards, rejectedRewards, targets,
                    new PreferenceLossOptions(Margin: margin, LabelSmoothing: options.LabelSmoothing));
                break;
            }
            case DpoVariant.Hinge:
            {
                var scaled = (chosen - rejected).mul(beta);
                losses = scaled.neg().add(One, One).relu();
                break;
            }
            default:
            {
                using var minusTarget = (-1 / (2 * options.Beta)).ToScalar();
                var difference = (chosen - rejected).add(minusTarget, One);
                losses = difference.pow(Two);
                break;
            }
        }
        var detachedChosen = chosenRewards.detach();
        var detachedRejected = rejectedRewards.detach();
        var result = new DpoLossResult(losses.mean(), losses, detachedChosen, detachedRejected, detachedChosen - detachedRejected);
        result.Loss.MoveToOuterDisposeScope();
        result.Losses.MoveToOuterDisposeScope();
        result.ChosenRewards.MoveToOuterDisposeScope();
        result.RejectedRewards.MoveToOuterDisposeScope();
        result.Margins.MoveToOuterDisposeScope();
        return result;
    }

    private static void Check(PairLogProbs logProbs, DpoLossOptions options)
    {
        ArgumentNullException.ThrowIfNull(logProbs.PolicyChosen, nameof(PairLogProbs.PolicyChosen));
        long pairs = logProbs.PolicyChosen.shape.Length == 1 ? logProbs.PolicyChosen.shape[0] : -1;
        void Require(Tensor? t, string name)
        {
            if (t is null) throw new ArgumentException($"{name} is missing: the {options.Variant} loss needs it", name);
            if (t.dim() != 1 || t.shape[0] != pairs)
                throw new ArgumentException($"{name} has shape [{string.Join(", ", t.shape)}]: expected [pairs] = [{pairs}] like PolicyChosen", name);
        }
        if (pairs < 0) throw new ArgumentException($"PolicyChosen has shape [{string.Join(", ", logProbs.PolicyChosen.shape)}]: expected [pairs]");
        Require(logProbs.PolicyRejected, nameof(PairLogProbs.PolicyRejected));
        if (options.UsesReference)
        {
            Require(logProbs.ReferenceChosen, nameof(PairLogProbs.ReferenceChosen));
            Require(logProbs.ReferenceRejected, nameof(PairLogProbs.ReferenceRejected));
        }
        if (options.AveragesPerToken)
        {
            Require(logProbs.ChosenTokens, nameof(PairLogProbs.ChosenTokens));
            Require(logProbs.RejectedTokens, nameof(PairLogProbs.RejectedTokens));
        }
    }
}
