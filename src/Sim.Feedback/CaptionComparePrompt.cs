namespace Sim.Feedback;

/// <summary>The prompt asking which of two descriptions (a caption, or a segment's captions joined by <c>;</c>) shows more
/// progress: answers A (1), B (0) or same (0.5), the probability that A is preferred.</summary>
public sealed class CaptionComparePrompt : AnnotationPrompt
{
    /// <summary>The prompt's file name stem.</summary>
    public const string PromptName = "caption-compare";

    /// <summary>The version the project ships and uses by default.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Separates the two sides in a pair's item key (a control character no caption contains).</summary>
    public const char PairSeparator = '\u001F';

    /// <summary>Loads version <paramref name="version"/> from <paramref name="folder"/> (default: the shipped prompts).</summary>
    public CaptionComparePrompt(int version = CurrentVersion, string? folder = null)
        : base(PromptName, version, ReadTemplate(PromptName, version, folder))
    {
    }

    /// <summary>The item key of the pair (<paramref name="a"/>, <paramref name="b"/>).</summary>
    public static string PairKey(string a, string b)
    {
        if (a.Contains(PairSeparator) || b.Contains(PairSeparator))
            throw new ArgumentException("a description contains the pair separator U+001F: expected plain text");
        return a + PairSeparator + b;
    }

    protected override string RenderItem(string item)
    {
        int split = item.IndexOf(PairSeparator);
        if (split < 0) throw new ArgumentException($"'{item}' is not a pair key: expected two descriptions joined by U+001F (see {nameof(PairKey)})", nameof(item));
        return $"A: {Describe(item[..split])} | B: {Describe(item[(split + 1)..])}";
    }

    // An empty side would render as "A:  |", which reads as a formatting slip; say what it means instead.
    static string Describe(string side) => side.Length == 0 ? "nothing happened" : side;

    protected override float? ParseAnswer(string word) => word.Trim().TrimEnd('.').ToLowerInvariant() switch
    {
        "a" => 1f,
        "b" => 0f,
        "same" => 0.5f,
        _ => null,
    };
}
