namespace Sim.LlmStandIn;

/// <summary>The stand-in's whole "model": a caption is good when it names progress ("reached", "closer", "touched",
/// "on the target") and bad otherwise; of two texts, the one with more good and fewer bad captions wins.</summary>
/// <remarks>Deterministic and documented so that tests and benchmarks can say what a correct annotator must answer.</remarks>
public static class KeywordRule
{
    /// <summary>Phrases that make a caption good.</summary>
    public static IReadOnlyList<string> GoodPhrases { get; } = ["reached", "closer", "touched", "on the target"];

    /// <summary>Phrases that make a caption bad even when it also has a good one.</summary>
    public static IReadOnlyList<string> BadPhrases { get; } = ["away", "fell", "on its back"];

    /// <summary>Whether the rule calls <paramref name="caption"/> good.</summary>
    public static bool IsGood(string caption) =>
        !BadPhrases.Any(p => caption.Contains(p, StringComparison.OrdinalIgnoreCase))
        && GoodPhrases.Any(p => caption.Contains(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Good minus bad captions of a text listing captions separated by <c>;</c>.</summary>
    public static int Score(string text)
    {
        int score = 0;
        foreach (string caption in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IsGood(caption)) score++;
            else if (BadPhrases.Any(p => caption.Contains(p, StringComparison.OrdinalIgnoreCase))) score--;
        }
        return score;
    }
}
