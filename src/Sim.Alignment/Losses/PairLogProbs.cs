using static TorchSharp.torch;

namespace Sim.Alignment.Losses;

/// <summary>What the DPO family reads of a batch of preference pairs: the summed log-probability of each completion under
/// the policy and the reference, and each completion's token count (for the per-token averages of IPO and SimPO).</summary>
/// <param name="PolicyChosen">log π(y_w | x) summed over the chosen completion's tokens, <c>[pairs]</c>, with gradients.</param>
/// <param name="PolicyRejected">log π(y_l | x), <c>[pairs]</c>, with gradients.</param>
/// <param name="ReferenceChosen">log π_ref(y_w | x), <c>[pairs]</c>; null for SimPO.</param>
/// <param name="ReferenceRejected">log π_ref(y_l | x), <c>[pairs]</c>; null for SimPO.</param>
/// <param name="ChosenTokens">Tokens in each chosen completion, <c>[pairs]</c>, float.</param>
/// <param name="RejectedTokens">Tokens in each rejected completion, <c>[pairs]</c>, float.</param>
public readonly record struct PairLogProbs(
    Tensor PolicyChosen, Tensor PolicyRejected, Tensor? ReferenceChosen, Tensor? ReferenceRejected, Tensor ChosenTokens, Tensor RejectedTokens);
