namespace Sim.Rewards.Labels;

/// <summary>Why a pair was asked: the query round it belongs to and the sampler that chose it.</summary>
/// <param name="Round">Query round, 0 for the first.</param>
/// <param name="Sampler">Name of the sampler, e.g. <c>uniform</c> or <c>disagreement</c>.</param>
public sealed record PairProvenance(int Round, string Sampler);
