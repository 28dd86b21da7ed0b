using Sim.Feedback;
using Sim.LlmStandIn;

namespace Sim.Feedback.Tests;

public class PromptParsingTests
{
    [Fact]
    public void Label_prompt_numbers_the_captions_and_reads_yes_and_no_in_any_order()
    {
        var prompt = new CaptionLabelPrompt();
        string text = prompt.Render(["the puck moved closer to the target", "the hopper fell"]);
        Assert.Contains("Events:\n1. the puck moved closer to the target\n2. the hopper fell\n", text);
        Assert.Equal([0f, 1f], prompt.Parse("2: yes\n1: No.", 2));
    }

    [Theory]
    [InlineData("1: yes", "no answer for item 2")]
    [InlineData("1: yes\n2: maybe", "'maybe'")]
    [InlineData("1: yes\n1: no\n2: no", "item 1 twice")]
    [InlineData("1: yes\n2: no\n3: yes", "items 1 to 2")]
    [InlineData("I like turtles.", "no answer for item 1")]
    public void Label_prompt_refuses_replies_that_do_not_answer_the_batch(string reply, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => new CaptionLabelPrompt().Parse(reply, 2)).Message);

    [Fact]
    public void Compare_prompt_renders_pairs_and_reads_a_b_and_same_as_probabilities_of_a()
    {
        var prompt = new CaptionComparePrompt();
        string text = prompt.Render([CaptionComparePrompt.PairKey("the puck moved closer to the target", ""), CaptionComparePrompt.PairKey("x", "y")]);
        Assert.Contains("1. A: the puck moved closer to the target | B: nothing happened\n2. A: x | B: y", text);
        Assert.Equal([1f, 0f, 0.5f], prompt.Parse("1: A\n2: B\n3: same", 3));
    }

    [Fact]
    public void The_stand_in_rule_answers_the_rendered_prompts()
    {
        var label = new CaptionLabelPrompt();
        var captions = new[] { "the puck reached the target", "the puck moved away from the target", "the hopper fell", "the gripper touched the puck" };
        Assert.Equal([1f, 0f, 0f, 1f], label.Parse(StandInLlmServer.Answer(label.Render(captions)), 4));

        var compare = new CaptionComparePrompt();
        var pairs = new[]
        {
            CaptionComparePrompt.PairKey("the hopper fell", "the puck moved closer to the target"),
            CaptionComparePrompt.PairKey("the gripper touched the puck; the puck reached the target", "the gripper touched the puck"),
            CaptionComparePrompt.PairKey("", ""),
        };
        Assert.Equal([0f, 1f, 0.5f], compare.Parse(StandInLlmServer.Answer(compare.Render(pairs)), 3));
    }

    [Fact]
    public void A_missing_prompt_version_names_the_file_it_looked_for()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new CaptionLabelPrompt(version: 99));
        Assert.Contains("caption-label.v99.txt", e.Message);
    }
}
