using Sim.Foundation;

namespace Sim.Alignment.Corpus;

/// <summary>Makes the datasets of the synthetic testbed from <see cref="CorpusOptions"/>: prompt–completion lines from
/// the base language, and preference pairs labelled by the <see cref="GoldReward"/>, optionally with flipped labels.</summary>
/// <remarks>Each dataset draws from its own stream derived from the seed, so changing the size of one leaves the others
/// as they were.</remarks>
public static class CorpusGenerator
{
    // Two samples of one prompt tie in gold reward now and then (same words in another order); a tie carries no
    // preference, so the pair is redrawn. With the language's spread a redraw almost never repeats.
    private const int MaxDrawsPerPair = 64;

    /// <summary><paramref name="count"/> prompts, each with one completion of the base language.</summary>
    public static List<CompletionExample> Completions(ulong seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new SimRandom(SeedDerivation.Derive(seed, "corpus-completions"));
        var examples = new List<CompletionExample>(count);
        for (int i = 0; i < count; i++)
        {
            string prompt = SyntheticLanguage.SamplePrompt(ref random);
            examples.Add(new CompletionExample(prompt, SyntheticLanguage.SampleCompletion(prompt, ref random)));
        }
        return examples;
    }

    /// <summary><paramref name="count"/> pairs of two completions of one prompt, the chosen one ranked higher by the gold
    /// reward, except that each pair is swapped with probability <paramref name="labelNoise"/>.</summary>
    /// <param name="seed">The corpus seed.</param>
    /// <param name="count">Pairs to make.</param>
    /// <param name="labelNoise">Flip probability in [0, 0.5].</param>
    /// <param name="stream">Names the draw, so training and held-out pairs of one seed differ (e.g. <c>train</c>, <c>test</c>).</param>
    public static List<PreferenceExample> Pairs(ulong seed, int count, double labelNoise, string stream)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(labelNoise >= 0 && labelNoise <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(labelNoise), labelNoise, $"labelNoise = {labelNoise}: expected a flip probability in [0, 0.5]");
        var random = new SimRandom(SeedDerivation.Derive(seed, "corpus-pairs-" + stream));
        var pairs = new List<PreferenceExample>(count);
        while (pairs.Count < count)
        {
            string prompt = SyntheticLanguage.SamplePrompt(ref random);
            string first = SyntheticLanguage.SampleCompletion(prompt, ref random);
            double firstGold = GoldReward.Score(prompt, first);
            for (int draw = 0; draw < MaxDrawsPerPair; draw++)
            {
                string second = SyntheticLanguage.SampleCompletion(prompt, ref random);
                double secondGold = GoldReward.Score(prompt, second);
                if (secondGold == firstGold) continue;
                var (chosen, rejected) = firstGold > secondGold ? (first, second) : (second, first);
                // The flip is drawn for every pair, noisy or not, so the texts of a seed do not depend on the noise level.
                bool flip = random.NextDouble() < labelNoise;
                pairs.Add(flip ? new PreferenceExample(prompt, rejected, chosen) : new PreferenceExample(prompt, chosen, rejected));
                break;
            }
        }
        return pairs;
    }

    /// <summary>Splits each pair into a desirable and an undesirable line, as TRL's <c>unpair_preference_dataset</c>
    /// makes KTO data from preference data.</summary>
    public static List<UnpairedExample> Unpair(IReadOnlyList<PreferenceExample> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var examples = new List<UnpairedExample>(2 * pairs.Count);
        foreach (var pair in pairs)
        {
            examples.Add(new UnpairedExample(pair.Prompt, pair.Chosen, true));
            examples.Add(new UnpairedExample(pair.Prompt, pair.Rejected, false));
        }
        return examples;
    }
}
