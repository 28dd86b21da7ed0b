namespace Sim.Rewards.Labels;

/// <summary>How much a label store holds.</summary>
/// <param name="Items">Stored items (each item of a pair once).</param>
/// <param name="Pairs">Stored pairs.</param>
/// <param name="LabeledPairs">Pairs with at least one label.</param>
/// <param name="Labels">Labels from all labelers, Skip included.</param>
public readonly record struct LabelStoreCounts(long Items, long Pairs, long LabeledPairs, long Labels)
{
    /// <summary>Pairs nobody has labelled yet.</summary>
    public long UnlabeledPairs => Pairs - LabeledPairs;
}
