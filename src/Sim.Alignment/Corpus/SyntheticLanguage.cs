using System.Text;
using Sim.Foundation;

namespace Sim.Alignment.Corpus;

/// <summary>The generator of the synthetic review language: prompts that ask about a topic and completions of one to four
/// clauses of (possibly intensified or negated) adjectives, drawn from a <see cref="SimRandom"/>. Sampling completions
/// for a prompt is the testbed's base policy.</summary>
/// <remarks>Every draw comes from the caller's generator, so the same seed gives the same text. The distribution is
/// broad on purpose: lengths, sentiments, stray topics and missing full stops all occur, so the gold reward separates
/// samples of one prompt and best-of-n has something to choose from.</remarks>
public static class SyntheticLanguage
{
    /// <summary>Most clauses in one completion.</summary>
    public const int MaxClauses = 4;

    private static readonly string[] PromptTemplates = ["review the {0} :", "tell me about the {0} :", "what did you think of the {0} ?"];

    /// <summary>A prompt about a random topic.</summary>
    public static string SamplePrompt(ref SimRandom random)
    {
        string template = PromptTemplates[random.NextInt(PromptTemplates.Length)];
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Lexicon.Topics[random.NextInt(Lexicon.Topics.Count)]);
    }

    /// <summary>A completion answering <paramref name="prompt"/>: one to <paramref name="maxClauses"/> clauses (the
    /// language's own <see cref="MaxClauses"/> unless a broader base policy asks for more) joined by "and" or "but",
    /// usually closed by a full stop.</summary>
    public static string SampleCompletion(string prompt, ref SimRandom random, int maxClauses = MaxClauses)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (maxClauses < 1) throw new ArgumentOutOfRangeException(nameof(maxClauses), maxClauses, $"maxClauses = {maxClauses}: expected at least 1");
        string topic = PromptTopic(prompt);
        var text = new StringBuilder();
        int clauses = 1 + random.NextInt(maxClauses);
        for (int c = 0; c < clauses; c++)
        {
            if (c > 0) text.Append(random.NextDouble() < 0.7 ? " and " : " but ");
            AppendClause(text, topic, ref random);
        }
        double end = random.NextDouble();
        if (end < 0.7) text.Append(" .");
        else if (end < 0.85) text.Append(" !");
        return text.ToString();
    }

    /// <summary>The first topic word of <paramref name="prompt"/>, or the first topic when it names none.</summary>
    public static string PromptTopic(string prompt)
    {
        foreach (var word in GoldReward.Words(prompt))
            if (Lexicon.TopicIndex(word) >= 0) return word;
        return Lexicon.Topics[0];
    }

    private static void AppendClause(StringBuilder text, string topic, ref SimRandom random)
    {
        double form = random.NextDouble();
        if (form < 0.4) text.Append("the ").Append(topic).Append(" was ");
        else if (form < 0.6) text.Append("it was ");
        else if (form < 0.8) text.Append("i found it ");
        else text.Append("the ").Append(Lexicon.Topics[random.NextInt(Lexicon.Topics.Count)]).Append(" was ");
        if (random.NextDouble() < 0.15) text.Append(Lexicon.Negation).Append(' ');
        if (random.NextDouble() < 0.3) text.Append(Lexicon.Intensifiers[random.NextInt(Lexicon.Intensifiers.Count)]).Append(' ');
        double kind = random.NextDouble();
        var words = kind < 0.4 ? Lexicon.Positive : kind < 0.8 ? Lexicon.Negative : Lexicon.Neutral;
        text.Append(words[random.NextInt(words.Count)]);
    }
}
