namespace Sim.Rewards.Queries;

/// <summary>Two items proposed as a query, before a label store has given the pair an id.</summary>
/// <param name="Left">The item to show on the left.</param>
/// <param name="Right">The item to show on the right.</param>
public readonly record struct ItemPair<TItem>(TItem Left, TItem Right);
