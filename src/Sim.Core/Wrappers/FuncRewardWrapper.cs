namespace Sim.Core.Wrappers;

/// <summary>A <see cref="RewardWrapper"/> whose reward is any batched function, e.g. a reward model's forward pass or a shaped formula.</summary>
public sealed class FuncRewardWrapper : RewardWrapper
{
    readonly TransitionRewardFunction _reward;

    /// <summary>Rewards <paramref name="inner"/>'s transitions with <paramref name="reward"/>, combined by <paramref name="mode"/>.</summary>
    public FuncRewardWrapper(IVectorEnv inner, TransitionRewardFunction reward, RewardMode mode = RewardMode.Replace, float weight = 1f)
        : base(inner, mode, weight)
        => _reward = reward ?? throw new ArgumentNullException(nameof(reward));

    protected override void ComputeRewards(
        ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> nextObservations, Span<float> rewards)
        => _reward(observations, actions, nextObservations, rewards);
}
