using Sim.Core;

namespace Sim.Core.Tests.Vector;

public class StepCaptionsTests
{
    [Fact]
    public void Codes_map_to_the_vocabulary_one_based_and_zero_is_no_caption()
    {
        var infos = new StepInfos(2);
        var codes = infos.AddCaptions(["the puck moved", "the hopper fell"]);
        codes[1] = 2;
        Assert.Equal("", infos.Captions!.Text(0));
        Assert.Equal("the hopper fell", infos.Captions.Text(1));
        Assert.Equal(1, infos.Captions.CodeOf("the puck moved"));
        var unknown = Assert.Throws<ArgumentException>(() => infos.Captions.CodeOf("the cat sat"));
        Assert.Contains("the puck moved; the hopper fell", unknown.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => infos.Captions.TextOf(3));
    }

    [Fact]
    public void A_vocabulary_must_be_non_empty_distinct_and_declared_once()
    {
        var infos = new StepInfos(1);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => infos.AddCaptions([])).Message);
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => infos.AddCaptions(["a", "a"])).Message);
        Assert.Contains("caption 1 is blank", Assert.Throws<ArgumentException>(() => infos.AddCaptions(["a", " "])).Message);
        infos.AddCaptions(["a"]);
        Assert.Throws<InvalidOperationException>(() => infos.AddCaptions(["b"]));
    }
}
