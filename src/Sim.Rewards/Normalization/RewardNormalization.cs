namespace Sim.Rewards.Normalization;

/// <summary>How a learned reward is rescaled before the policy sees it.</summary>
public enum RewardNormalization
{
    /// <summary>The ensemble's output as is.</summary>
    None,

    /// <summary>Divided by its standard deviation; the sign and the zero point are kept, which matters where episodes can
    /// terminate (a shift would turn living into a bonus or a penalty).</summary>
    Scale,

    /// <summary>Shifted to mean 0 and divided to standard deviation 1.</summary>
    Standardize,
}
