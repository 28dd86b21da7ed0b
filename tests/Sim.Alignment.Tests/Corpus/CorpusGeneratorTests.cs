using Sim.Alignment.Corpus;

namespace Sim.Alignment.Tests.Corpus;

/// <summary>Checks that the corpus is reproducible, that pairs follow the gold reward, and that label noise flips the share asked for.</summary>
public sealed class CorpusGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_corpus_and_another_seed_another()
    {
        Assert.Equal(CorpusGenerator.Completions(7, 50), CorpusGenerator.Completions(7, 50));
        Assert.Equal(CorpusGenerator.Pairs(7, 50, 0.25, "train"), CorpusGenerator.Pairs(7, 50, 0.25, "train"));
        Assert.NotEqual(CorpusGenerator.Completions(7, 50), CorpusGenerator.Completions(8, 50));
        Assert.NotEqual(CorpusGenerator.Pairs(7, 50, 0, "train"), CorpusGenerator.Pairs(7, 50, 0, "test"));
    }

    [Fact]
    public void Without_noise_every_chosen_completion_has_the_higher_gold_reward()
    {
        foreach (var pair in CorpusGenerator.Pairs(3, 300, 0, "train"))
            Assert.True(GoldReward.Score(pair.Prompt, pair.Chosen) > GoldReward.Score(pair.Prompt, pair.Rejected), $"{pair}");
    }

    [Fact]
    public void A_quarter_of_the_labels_are_flipped_at_25_percent_noise_and_the_texts_stay_the_same()
    {
        var clean = CorpusGenerator.Pairs(5, 2000, 0, "train");
        var noisy = CorpusGenerator.Pairs(5, 2000, 0.25, "train");
        int flipped = 0;
        for (int i = 0; i < clean.Count; i++)
        {
            Assert.Equal(clean[i].Prompt, noisy[i].Prompt);
            if (noisy[i].Chosen == clean[i].Rejected && noisy[i].Rejected == clean[i].Chosen) flipped++;
            else Assert.Equal(clean[i], noisy[i]);
        }
        // Binomial(2000, 0.25): standard deviation ≈ 19.4 pairs; ±4 sd.
        Assert.InRange(flipped, 500 - 78, 500 + 78);
    }

    [Fact]
    public void The_language_spreads_over_lengths_sentiments_and_formats()
    {
        var golds = CorpusGenerator.Completions(11, 2000).Select(e => GoldReward.Terms(e.Prompt, e.Completion)).ToList();
        Assert.Contains(golds, t => t.Length < 0);
        Assert.Contains(golds, t => t.Sentiment > 1.5);
        Assert.Contains(golds, t => t.Sentiment < -1.5);
        Assert.Contains(golds, t => t.Format < 0);
        Assert.Contains(golds, t => t.Format == 1);
    }

    [Fact]
    public void Unpairing_gives_the_chosen_completion_as_desirable_and_the_rejected_as_undesirable()
    {
        var pair = new PreferenceExample("p", "yes", "no");
        Assert.Equal([new UnpairedExample("p", "yes", true), new UnpairedExample("p", "no", false)], CorpusGenerator.Unpair([pair]));
    }
}
