using static TorchSharp.torch;

namespace Sim.Alignment.Losses;

/// <summary>KTO's loss on a batch with what TRL logs beside it; the tensors belong to the caller's dispose scope.</summary>
/// <param name="Loss">The mean loss over the examples, a scalar with gradients.</param>
/// <param name="Losses">The weighted loss of each example, <c>[n]</c>.</param>
/// <param name="Rewards">β(log π − log π_ref) of each example, detached, <c>[n]</c>.</param>
/// <param name="ReferencePoint">z0: the mean mismatched log-ratio, clamped at 0, detached; a scalar.</param>
public readonly record struct KtoLossResult(Tensor Loss, Tensor Losses, Tensor Rewards, Tensor ReferencePoint);
