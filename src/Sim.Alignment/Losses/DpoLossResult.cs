using static TorchSharp.torch;

namespace Sim.Alignment.Losses;

/// <summary>A DPO-family loss on a batch with what TRL logs beside it; the tensors belong to the caller's dispose scope.</summary>
/// <param name="Loss">The mean loss, a scalar with gradients.</param>
/// <param name="Losses">The loss of each pair, <c>[pairs]</c>.</param>
/// <param name="ChosenRewards">The implicit reward of each chosen completion, detached, <c>[pairs]</c>: β(log π − log π_ref)
/// (per token for IPO), or β·avg log π for SimPO.</param>
/// <param name="RejectedRewards">The same for the rejected completions.</param>
/// <param name="Margins">ChosenRewards − RejectedRewards, <c>[pairs]</c>.</param>
public readonly record struct DpoLossResult(Tensor Loss, Tensor Losses, Tensor ChosenRewards, Tensor RejectedRewards, Tensor Margins)
{
    /// <summary>1 where the chosen completion's implicit reward is strictly higher, else 0, <c>[pairs]</c> (TRL's
    /// <c>rewards/accuracies</c>).</summary>
    public Tensor Accuracies() => Margins.gt(Sim.Torch.TorchScalars.Zero).to_type(ScalarType.Float32);
}
