using Sim.Rewards.Preferences;

namespace Sim.Labeling;

/// <summary>An answer as the labeler gave it, about the sides they saw; stored in the pair's canonical order.</summary>
public enum ShownChoice
{
    /// <summary>The clip shown on the left is better (key ←).</summary>
    Left,
    /// <summary>The clip shown on the right is better (key →).</summary>
    Right,
    /// <summary>Both are equally good (key ↓).</summary>
    Equal,
    /// <summary>Cannot tell (space).</summary>
    Skip,
}

/// <summary>Turns shown answers into stored ones and back.</summary>
public static class ShownChoices
{
    /// <summary>Parses the page's word for a choice (left, right, equal, skip); null for anything else.</summary>
    public static ShownChoice? Parse(string? text) => text switch
    {
        "left" => ShownChoice.Left,
        "right" => ShownChoice.Right,
        "equal" => ShownChoice.Equal,
        "skip" => ShownChoice.Skip,
        _ => null,
    };

    /// <summary>The stored label for <paramref name="choice"/> made on a showing whose sides were <paramref name="flipped"/>.</summary>
    public static PreferenceLabel ToCanonical(ShownChoice choice, bool flipped) => choice switch
    {
        ShownChoice.Left => flipped ? PreferenceLabel.Right : PreferenceLabel.Left,
        ShownChoice.Right => flipped ? PreferenceLabel.Left : PreferenceLabel.Right,
        ShownChoice.Equal => PreferenceLabel.Equal,
        ShownChoice.Skip => PreferenceLabel.Skip,
        _ => throw new ArgumentOutOfRangeException(nameof(choice), choice, $"choice {choice}: expected Left, Right, Equal or Skip"),
    };

    /// <summary>The choice that stores <paramref name="label"/> on a showing whose sides were <paramref name="flipped"/>.</summary>
    public static ShownChoice FromCanonical(PreferenceLabel label, bool flipped) => label switch
    {
        PreferenceLabel.Left => flipped ? ShownChoice.Right : ShownChoice.Left,
        PreferenceLabel.Right => flipped ? ShownChoice.Left : ShownChoice.Right,
        PreferenceLabel.Equal => ShownChoice.Equal,
        _ => ShownChoice.Skip,
    };
}
