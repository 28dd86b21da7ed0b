namespace Sim.Alignment.Corpus;

/// <summary>The programmatic gold reward of the synthetic testbed (Gao et al.'s and Coste et al.'s setup: a known reward
/// labels the pairs, a learned proxy is trained on them and optimised against): a sentiment lexicon with a length and a
/// format term, read from the plain text of a prompt and a completion.</summary>
/// <remarks>The terms are chosen so a proxy can be fooled: sentiment saturates while length keeps costing, so a proxy
/// that learned "more praise is better" prefers long gushing completions that the gold reward ranks lower; negation
/// ("not good") flips a word a bag-of-words proxy reads as positive.</remarks>
public static class GoldReward
{
    /// <summary>Words (punctuation excluded) a completion may have before the length term starts to cost.</summary>
    public const int FreeWords = 12;

    /// <summary>The gold reward of <paramref name="completion"/> as an answer to <paramref name="prompt"/>.</summary>
    public static double Score(string prompt, string completion) => Terms(prompt, completion).Total;

    /// <summary>The gold reward of <paramref name="completion"/> as an answer to <paramref name="prompt"/>, term by term.</summary>
    public static GoldRewardTerms Terms(string prompt, string completion)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        var words = Words(completion);
        int promptTopic = -1;
        foreach (var word in Words(prompt))
        {
            int topic = Lexicon.TopicIndex(word);
            if (topic >= 0)
            {
                promptTopic = topic;
                break;
            }
        }

        double sentiment = 0;
        int wordCount = 0;
        bool mentionsPromptTopic = false, mentionsOtherTopic = false;
        for (int i = 0; i < words.Count; i++)
        {
            string word = words[i];
            if (IsPunctuation(word)) continue;
            wordCount++;
            int topic = Lexicon.TopicIndex(word);
            if (topic >= 0)
            {
                if (topic == promptTopic) mentionsPromptTopic = true;
                else mentionsOtherTopic = true;
            }
            int polarity = Lexicon.Polarity(word);
            if (polarity == 0) continue;
            // Modifiers read right to left from the adjective: "not very good" is −2, "very good" +2.
            double value = polarity;
            int j = i - 1;
            if (j >= 0 && Lexicon.IsIntensifier(words[j]))
            {
                value *= 2;
                j--;
            }
            if (j >= 0 && words[j] == Lexicon.Negation) value = -value;
            sentiment += value;
        }

        string last = words.Count == 0 ? "" : words[^1];
        double format = last == "." ? 0.5 : last == "!" ? 0 : -0.5;
        if (mentionsPromptTopic) format += 0.5;
        if (mentionsOtherTopic) format -= 0.5;
        double length = -0.1 * Math.Max(0, wordCount - FreeWords);
        return new GoldRewardTerms(2 * Math.Tanh(sentiment / 3), length, format);
    }

    /// <summary>The words of <paramref name="text"/>: lowercased, split on white space, with a closing '.', '!' or '?'
    /// split off as a word of its own, so real text scores like the generated text.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        foreach (var raw in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            string word = raw.ToLowerInvariant();
            if (word.Length > 1 && IsPunctuation(word[^1..]))
            {
                words.Add(word[..^1]);
                words.Add(word[^1..]);
            }
            else words.Add(word);
        }
        return words;
    }

    private static bool IsPunctuation(string word) => word is "." or "!" or "?" or ":" or ",";
}
