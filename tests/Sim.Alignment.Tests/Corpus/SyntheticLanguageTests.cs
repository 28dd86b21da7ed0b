using Sim.Alignment.Corpus;
using Sim.Foundation;

namespace Sim.Alignment.Tests.Corpus;

/// <summary>Checks the base sampler's clause count: the language's own range by default, a wider one when asked.</summary>
public sealed class SyntheticLanguageTests
{
    // Every clause has exactly one adjective of the lexicon, so counting adjectives counts clauses.
    private static int Clauses(string completion) => GoldReward.Words(completion).Count(Lexicon.IsAdjective);

    private static List<int> ClauseCounts(int samples, int? maxClauses)
    {
        var random = new SimRandom(SeedDerivation.Derive(3, "clauses-test"));
        var counts = new List<int>(samples);
        for (int i = 0; i < samples; i++)
        {
            string prompt = SyntheticLanguage.SamplePrompt(ref random);
            counts.Add(Clauses(maxClauses is int max ? SyntheticLanguage.SampleCompletion(prompt, ref random, max) : SyntheticLanguage.SampleCompletion(prompt, ref random)));
        }
        return counts;
    }

    [Fact]
    public void By_default_a_completion_has_one_to_four_clauses_and_every_count_occurs()
    {
        var counts = ClauseCounts(400, null);
        Assert.Equal([1, 2, 3, 4], counts.Distinct().Order());
    }

    [Fact]
    public void A_wider_base_policy_reaches_every_count_up_to_its_maximum()
    {
        var counts = ClauseCounts(800, 8);
        Assert.Equal(Enumerable.Range(1, 8), counts.Distinct().Order());
    }

    [Fact]
    public void Zero_clauses_are_refused_by_name()
    {
        var random = new SimRandom(1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticLanguage.SampleCompletion("review the movie :", ref random, 0));
        Assert.Contains("maxClauses = 0", error.Message);
    }
}
