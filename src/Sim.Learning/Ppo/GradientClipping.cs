using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Learning.Ppo;

/// <summary>Scales gradients down so that their global L2 norm is at most a limit, without reading anything back to the host.</summary>
/// <remarks>
/// <c>torch.nn.utils.clip_grad_norm_</c> in TorchSharp returns the norm as a <c>double</c>, which forces a device
/// synchronisation on every minibatch; here the norm stays a tensor and the scale is applied unconditionally
/// (clamped to at most 1), which is the same arithmetic PyTorch does.
/// </remarks>
public static class GradientClipping
{
    private static readonly Scalar NormEpsilon = 1e-6.ToScalar();

    /// <summary>Multiplies every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the L2 norm of all gradients together; returns ‖g‖.</summary>
    public static Tensor ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(double.IsFinite(maxNorm) && maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm = {maxNorm}: expected a finite value > 0");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Held (and disposed) here rather than converted implicitly: see TorchScalars.
        using var limit = maxNorm.ToScalar();
        var grads = new List<Tensor>(parameters.Count);
        foreach (var parameter in parameters)
        {
            if (parameter.grad is Tensor grad) grads.Add(grad);
        }
        if (grads.Count == 0) return zeros(1).squeeze().MoveToOuterDisposeScope();
        var norms = stack(grads.Select(g => g.norm(2f)));
        var total = norms.norm(2f);
        var scale = total.add(NormEpsilon, One).reciprocal().mul(limit).clamp_max(One);
        foreach (var grad in grads) grad.mul_(scale);
        return total.MoveToOuterDisposeScope();
    }
}
