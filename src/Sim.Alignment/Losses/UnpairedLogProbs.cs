using static TorchSharp.torch;

namespace Sim.Alignment.Losses;

/// <summary>What KTO reads of a batch of unpaired examples: each completion's summed log-probability under the policy and
/// the reference, whether it is desirable, and the same log-probabilities of mismatched completions (each prompt with
/// another example's completion), from which the reference point z0 is estimated.</summary>
/// <param name="Policy">log π(y | x), <c>[n]</c>, with gradients.</param>
/// <param name="Reference">log π_ref(y | x), <c>[n]</c>.</param>
/// <param name="Desirable">1 for desirable, 0 for undesirable, <c>[n]</c>, float.</param>
/// <param name="PolicyMismatched">log π(y' | x) of the mismatched completions, <c>[m]</c>.</param>
/// <param name="ReferenceMismatched">log π_ref(y' | x), <c>[m]</c>.</param>
public readonly record struct UnpairedLogProbs(Tensor Policy, Tensor Reference, Tensor Desirable, Tensor PolicyMismatched, Tensor ReferenceMismatched);
