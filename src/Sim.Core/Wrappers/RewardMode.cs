namespace Sim.Core.Wrappers;

/// <summary>How a <see cref="RewardWrapper"/> combines its learned reward with the env's reward.</summary>
public enum RewardMode
{
    /// <summary>The reward is <c>weight · learned</c>; the env reward is only reported (e.g. preference learning with a hidden true reward).</summary>
    Replace,

    /// <summary>The reward is <c>env + weight · learned</c> (e.g. an intrinsic bonus on top of a sparse task reward).</summary>
    Add,
}
