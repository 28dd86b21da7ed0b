namespace Sim.Labeling;

/// <summary>Content ids of clips: the 32 lowercase hex digits of the clip renderer's content key. Nothing else names a
/// clip in a URL, so no request can spell a path.</summary>
public static class ClipId
{
    /// <summary>Whether <paramref name="id"/> is 32 lowercase hex digits.</summary>
    public static bool IsWellFormed(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
