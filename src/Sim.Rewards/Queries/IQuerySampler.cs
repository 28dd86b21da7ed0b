using Sim.Foundation;

namespace Sim.Rewards.Queries;

/// <summary>Chooses which item pairs to ask a teacher about in one query round.</summary>
public interface IQuerySampler<TItem>
{
    /// <summary>Name stored as the pairs' provenance, e.g. <c>uniform</c>.</summary>
    string Name { get; }

    /// <summary>Draws candidates from <paramref name="source"/> and returns the <paramref name="count"/> pairs to ask about.</summary>
    IReadOnlyList<ItemPair<TItem>> Select(IItemSource<TItem> source, int count, ref SimRandom random);
}
