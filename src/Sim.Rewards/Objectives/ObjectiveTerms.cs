using static TorchSharp.torch;

namespace Sim.Rewards.Objectives;

/// <summary>One minibatch of an <see cref="IRewardObjective"/>: a loss per example and the numerator and denominator of
/// its accuracy (an objective with no notion of accuracy gives zeros for both, and its accuracy is NaN).</summary>
/// <param name="Losses">Loss per example, <c>[n]</c>, with gradients.</param>
/// <param name="Correct">1 where the example is predicted right, <c>[n]</c>.</param>
/// <param name="Counted">1 where the example counts towards the accuracy, <c>[n]</c>.</param>
public readonly record struct ObjectiveTerms(Tensor Losses, Tensor Correct, Tensor Counted);
