namespace Sim.Alignment.Corpus;

/// <summary>The words of the synthetic review language and their sentiment: what the generator draws from and what the
/// gold reward reads.</summary>
/// <remarks>Every word is lowercase ASCII and the punctuation marks are words of their own, so any tokenizer (a word
/// split, a BPE trained on the corpus, GPT-2's) sees the same text.</remarks>
public static class Lexicon
{
    /// <summary>What a review is about; a prompt names one.</summary>
    public static IReadOnlyList<string> Topics { get; } = ["movie", "book", "song", "meal", "hotel", "game", "phone", "park", "show", "trip"];

    /// <summary>Adjectives of sentiment +1.</summary>
    public static IReadOnlyList<string> Positive { get; } = ["good", "great", "lovely", "fun", "bright", "warm", "fresh", "kind", "calm", "superb"];

    /// <summary>Adjectives of sentiment −1.</summary>
    public static IReadOnlyList<string> Negative { get; } = ["bad", "awful", "dull", "cold", "boring", "noisy", "stale", "rude", "grim", "poor"];

    /// <summary>Adjectives of sentiment 0.</summary>
    public static IReadOnlyList<string> Neutral { get; } = ["new", "old", "small", "big", "long", "short", "plain", "usual"];

    /// <summary>Words that double the sentiment of the adjective after them.</summary>
    public static IReadOnlyList<string> Intensifiers { get; } = ["very", "really", "so"];

    /// <summary>The word that flips the sign of the adjective after it (after any intensifier).</summary>
    public const string Negation = "not";

    /// <summary>The sentiment of <paramref name="word"/>: +1, −1, or 0 for any other word.</summary>
    public static int Polarity(string word) => PositiveSet.Contains(word) ? 1 : NegativeSet.Contains(word) ? -1 : 0;

    /// <summary>Whether <paramref name="word"/> is an adjective of the language (of any sentiment).</summary>
    public static bool IsAdjective(string word) => PositiveSet.Contains(word) || NegativeSet.Contains(word) || NeutralSet.Contains(word);

    /// <summary>Whether <paramref name="word"/> is an intensifier.</summary>
    public static bool IsIntensifier(string word) => IntensifierSet.Contains(word);

    /// <summary>The index of <paramref name="word"/> in <see cref="Topics"/>, or −1.</summary>
    public static int TopicIndex(string word) => TopicIndices.GetValueOrDefault(word, -1);

    private static readonly HashSet<string> PositiveSet = [.. Positive];
    private static readonly HashSet<string> NegativeSet = [.. Negative];
    private static readonly HashSet<string> NeutralSet = [.. Neutral];
    private static readonly HashSet<string> IntensifierSet = [.. Intensifiers];
    private static readonly Dictionary<string, int> TopicIndices = Topics.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
}
