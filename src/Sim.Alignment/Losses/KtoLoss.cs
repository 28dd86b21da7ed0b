using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Losses;

/// <summary>KTO for unpaired data (Ethayarajh et al., as TRL computes it): with r = log π/π_ref of an example and z0 the
/// batch mean of mismatched log-ratios clamped at ≥ 0, a desirable example costs λ_D(1 − σ(β(r − z0))) and an undesirable
/// one λ_U(1 − σ(β(z0 − r))); the loss is the mean over the examples.</summary>
/// <remarks>z0 is detached, as in the paper: it is a reference point the policy is judged against, not something to move.</remarks>
public static class KtoLoss
{
    /// <summary>The loss of <paramref name="options"/> on <paramref name="logProbs"/>.</summary>
    /// <exception cref="ArgumentException">The tensors are not <c>[n]</c> (and <c>[m]</c> for the mismatched ones, m ≥ 1),
    /// or a desirability flag is not 0 or 1.</exception>
    public static KtoLossResult Compute(UnpairedLogProbs logProbs, KtoLossOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Check(logProbs);
        using var scope = NewDisposeScope();
        using var beta = options.Beta.ToScalar();
        using var desirableWeight = options.DesirableWeight.ToScalar();
        using var undesirableWeight = options.UndesirableWeight.ToScalar();
        Tensor referencePoint;
        using (no_grad())
        {
            var mismatched = logProbs.PolicyMismatched - logProbs.ReferenceMismatched;
            referencePoint = mismatched.mean().clamp_min(Zero).detach();
        }
        var ratios = logProbs.Policy - logProbs.Reference;
        var aboveReference = (ratios - referencePoint).mul(beta);
        // 1 − σ(β(r − z0)) for desirable, 1 − σ(β(z0 − r)) = σ(β(r − z0)) for undesirable.
        var desirableLosses = aboveReference.sigmoid().neg().add(One, One).mul(desirableWeight);
        var undesirableLosses = aboveReference.sigmoid().mul(undesirableWeight);
        var isDesirable = logProbs.Desirable.gt(OneHalf);
        var losses = where(isDesirable, desirableLosses, undesirableLosses);
        var result = new KtoLossResult(losses.mean(), losses, ratios.detach().mul(beta), referencePoint);
        result.Loss.MoveToOuterDisposeScope();
        result.Losses.MoveToOuterDisposeScope();
        result.Rewards.MoveToOuterDisposeScope();
        result.ReferencePoint.MoveToOuterDisposeScope();
        return result;
    }

    private static void Check(UnpairedLogProbs logProbs)
    {
        ArgumentNullException.ThrowIfNull(logProbs.Policy, nameof(UnpairedLogProbs.Policy));
        if (logProbs.Policy.dim() != 1) throw new ArgumentException($"Policy has shape [{string.Join(", ", logProbs.Policy.shape)}]: expected [n]", nameof(UnpairedLogProbs.Policy));
        long n = logProbs.Policy.shape[0];
        Require(logProbs.Reference, nameof(UnpairedLogProbs.Reference), n);
        Require(logProbs.Desirable, nameof(UnpairedLogProbs.Desirable), n);
        ArgumentNullException.ThrowIfNull(logProbs.PolicyMismatched, nameof(UnpairedLogProbs.PolicyMismatched));
        long m = logProbs.PolicyMismatched.dim() == 1 ? logProbs.PolicyMismatched.shape[0] : 0;
        if (m < 1) throw new ArgumentException($"PolicyMismatched has shape [{string.Join(", ", logProbs.PolicyMismatched.shape)}]: expected [m] with m ≥ 1 mismatched completions", nameof(UnpairedLogProbs.PolicyMismatched));
        Require(logProbs.ReferenceMismatched, nameof(UnpairedLogProbs.ReferenceMismatched), m);
        using var scope = NewDisposeScope();
        var flags = logProbs.Desirable.to_type(ScalarType.Float64).cpu();
        var values = flags.data<double>();
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] is not (0.0 or 1.0))
                throw new ArgumentException($"Desirable[{i}] = {values[i]}: expected 1 (desirable) or 0 (undesirable)", nameof(UnpairedLogProbs.Desirable));
        }
    }

    private static void Require(Tensor? t, string name, long length)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.dim() != 1 || t.shape[0] != length)
            throw new ArgumentException($"{name} has shape [{string.Join(", ", t.shape)}]: expected [{length}]", name);
    }
}
