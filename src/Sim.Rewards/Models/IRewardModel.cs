using Sim.Rewards.Queries;

namespace Sim.Rewards.Models;

/// <summary>A learned reward over items of one kind (robot segments, token sequences): the one shape every consumer of a
/// learned reward sees, whether it ranks queries, scores samples or feeds a policy through an adapter.</summary>
public interface IRewardModel<TItem> : IPreferencePredictor<TItem>
{
    /// <summary>Each item's reward: the members' outputs combined by the model's aggregation and rescaled by its
    /// normaliser, summed over the real positions when the encoder scores positions.</summary>
    /// <param name="items">The items to score.</param>
    /// <param name="scores">One score per item, written.</param>
    void Score(IReadOnlyList<TItem> items, Span<float> scores);
}
