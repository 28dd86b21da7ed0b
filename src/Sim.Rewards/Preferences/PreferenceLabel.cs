namespace Sim.Rewards.Preferences;

/// <summary>A teacher's answer to "which of these two items is better?".</summary>
/// <remarks>The numeric values are stored in the label store; never renumber them.</remarks>
public enum PreferenceLabel
{
    /// <summary>The left item is better: target P(left ≻ right) = 1.</summary>
    Left = 0,

    /// <summary>The right item is better: target P(left ≻ right) = 0.</summary>
    Right = 1,

    /// <summary>Both are equally good: the soft target 0.5 / 0.5.</summary>
    Equal = 2,

    /// <summary>The teacher cannot tell or declined; kept for accounting, never trained on.</summary>
    Skip = 3,
}
