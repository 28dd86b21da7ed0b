using static TorchSharp.torch;

namespace Sim.Learning.Ppo;

/// <summary>The parts of PPO's loss for one minibatch, each a scalar tensor; only <see cref="Total"/> carries gradients worth following.</summary>
/// <param name="Total">policy loss − entropy coef × entropy + value coef × value loss: what is minimised.</param>
/// <param name="PolicyLoss">Clipped surrogate loss, mean over the minibatch.</param>
/// <param name="ValueLoss">½ × mean squared error of the values (the larger of clipped and unclipped when clipping).</param>
/// <param name="Entropy">Mean policy entropy.</param>
/// <param name="OldApproxKl">mean(−log r), the naive KL estimate between the old and new policy (no gradient).</param>
/// <param name="ApproxKl">mean((r − 1) − log r), the low-variance unbiased KL estimate (no gradient).</param>
/// <param name="ClipFraction">Fraction of samples whose ratio r left [1 − ε, 1 + ε] (no gradient).</param>
public readonly record struct PpoLossTerms(
    Tensor Total, Tensor PolicyLoss, Tensor ValueLoss, Tensor Entropy, Tensor OldApproxKl, Tensor ApproxKl, Tensor ClipFraction);
