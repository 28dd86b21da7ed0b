using Sim.Core;
using Sim.Core.Wrappers;

namespace Sim.Learning.Progress;

/// <summary>SPA's reward stage: each transition pays c_t + g_t from the <see cref="SpaRewardLearner"/>, added to the env's
/// reward or replacing it, and is handed to the learner to be kept for the estimator.</summary>
/// <remarks>Built without a learner (an evaluation chain) it pays 0 beside the env's reward and records nothing: acting
/// needs its place in the chain, not the estimator. Its saved state is <see cref="RewardWrapper"/>'s; the learner keeps
/// the episodes.</remarks>
public sealed class SpaRewardWrapper : RewardWrapper
{
    readonly SpaRewardLearner? _learner;

    /// <summary>Wraps <paramref name="inner"/>, paying <paramref name="learner"/>'s reward (none when null) by <paramref name="mode"/>.</summary>
    public SpaRewardWrapper(IVectorEnv inner, SpaRewardLearner? learner, RewardMode mode) : base(inner, mode) => _learner = learner;

    /// <inheritdoc/>
    protected override void ComputeRewards(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> nextObservations, Span<float> rewards)
    {
        if (_learner is null) rewards.Clear();
        else _learner.ScoreAndRecord(Inner, observations, actions, nextObservations, rewards);
    }
}
