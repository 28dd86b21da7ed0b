using Sim.Alignment.Corpus;

namespace Sim.Alignment.Tests.Corpus;

/// <summary>Checks the gold reward's terms against values worked out by hand.</summary>
public sealed class GoldRewardTests
{
    [Fact]
    public void Intensified_praise_of_the_prompt_topic_closed_by_a_full_stop()
    {
        var terms = GoldReward.Terms("review the movie :", "the movie was very good .");
        // s = 2 (very good); 5 words ≤ 12; "." +0.5 and the movie named +0.5.
        Assert.Equal(2 * Math.Tanh(2.0 / 3), terms.Sentiment, 12);
        Assert.Equal(0, terms.Length);
        Assert.Equal(1.0, terms.Format);
        Assert.Equal(2 * Math.Tanh(2.0 / 3) + 1, terms.Total, 12);
    }

    [Fact]
    public void Negation_flips_an_intensified_adjective_and_a_stray_topic_costs()
    {
        var terms = GoldReward.Terms("tell me about the movie :", "it was not very good and the book was bad");
        // s = −2 − 1 = −3; 10 words; no closing mark −0.5; the movie is not named, the book is −0.5.
        Assert.Equal(2 * Math.Tanh(-1), terms.Sentiment, 12);
        Assert.Equal(0, terms.Length);
        Assert.Equal(-1.0, terms.Format);
    }

    [Fact]
    public void Words_beyond_twelve_cost_a_tenth_each_and_punctuation_is_not_a_word()
    {
        // 15 words: "i found it fun and it was calm and the game was dull but i" …
        string completion = "i found it fun and it was calm and the game was new and big !";
        Assert.Equal(16, GoldReward.Words(completion).Count);
        var terms = GoldReward.Terms("review the game :", completion);
        Assert.Equal(-0.1 * (15 - 12), terms.Length, 12);
        Assert.Equal(2 * Math.Tanh(2.0 / 3), terms.Sentiment, 12);
        Assert.Equal(0.5, terms.Format); // "!" 0, topic named +0.5
    }

    [Fact]
    public void Real_text_with_attached_punctuation_and_capitals_scores_like_generated_text()
    {
        Assert.Equal(GoldReward.Score("review the song :", "the song was great ."), GoldReward.Score("Review the SONG:", "The song was great."), 12);
    }
}
