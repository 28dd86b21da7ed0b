namespace Sim.Rewards.Queries;

/// <summary>One round of queries the schedule says is due.</summary>
/// <param name="Index">Round number, 0 for the first; stored as the pairs' provenance.</param>
/// <param name="DueStep">Env step at which the round became due.</param>
/// <param name="Size">Queries to ask in this round (the last round may be cut to what is left of the budget).</param>
/// <param name="Selection">How to choose the pairs: uniform for the first round, the configured sampler afterwards.</param>
public readonly record struct QueryRound(int Index, long DueStep, int Size, QuerySelection Selection);
