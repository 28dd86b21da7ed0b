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

    /// <summary>Standardised, then raised by one standard deviation: mean 1 per step. Comparisons of equal-length segments
    /// cannot tell a reward from the same reward plus a constant, so the zero point is a choice; where episodes can end
    /// early a negative one teaches the policy to end them. Mean 1 makes living worth something, as the true rewards of
    /// Hopper and Walker2d do with their healthy bonus, and changes nothing where episodes never end early.</summary>
    UnitMean,
}
