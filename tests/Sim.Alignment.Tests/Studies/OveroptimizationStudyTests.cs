using System.Text.Json;
using Sim.Alignment.Model;
using Sim.Alignment.Studies;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;

namespace Sim.Alignment.Tests.Studies;

/// <summary>Runs the overoptimisation study at a toy size and checks where its reward-model members start: fresh, from one
/// SFT model trained on the corpus, or each from its own.</summary>
public sealed class OveroptimizationStudyTests
{
    static OveroptimizationOptions Tiny(MemberStart start) => new()
    {
        Seed = 4, Pairs = 24, HeldOutPairs = 8, Members = 2, Epochs = 1, Prompts = 1, SamplesPerPrompt = 2, MaxN = 2,
        Model = new TransformerConfig { ContextLength = 96, Width = 8, Layers = 1, Heads = 2 }, TokenizerVocabulary = 300,
        Start = start, SftEpochs = 1,
    };

    static string[] SftRuns(string root) => Directory.GetDirectories(root).Where(d => Path.GetFileName(d).Contains("__sft__")).Order().ToArray();

    static JsonElement RewardRunConfig(string root) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(root).Single(d => Path.GetFileName(d).Contains("__reward__")), "config.json"))).RootElement;

    [Theory]
    [InlineData(MemberStart.Fresh, 0)]
    [InlineData(MemberStart.SharedSft, 1)]
    [InlineData(MemberStart.OwnSft, 2)]
    public void Members_start_from_as_many_sft_models_as_the_start_asks_for(MemberStart start, int sftModels)
    {
        using var scratch = new ScratchDirectory();
        string root = scratch.File("runs");
        var curves = OveroptimizationStudy.Run(Tiny(start), root, _ => { });
        Assert.Equal(1 + 3 + 2, curves.Count);

        var sft = SftRuns(root);
        Assert.Equal(sftModels, sft.Length);
        var models = sft.Select(run => Path.Combine(run, SftTrainer.ModelFileName)).ToArray();
        var config = RewardRunConfig(root);
        var initFrom = config.GetProperty("InitFrom");
        var memberInitFrom = config.GetProperty("MemberInitFrom");
        switch (start)
        {
            case MemberStart.Fresh:
                Assert.Equal(JsonValueKind.Null, initFrom.ValueKind);
                Assert.Equal(JsonValueKind.Null, memberInitFrom.ValueKind);
                break;
            case MemberStart.SharedSft:
                Assert.Equal(models[0], initFrom.GetString());
                Assert.Equal(JsonValueKind.Null, memberInitFrom.ValueKind);
                break;
            default:
                Assert.Equal(JsonValueKind.Null, initFrom.ValueKind);
                Assert.Equal(models.Order(), memberInitFrom.EnumerateArray().Select(e => e.GetString()!).Order());
                // Two language models from two seeds: their weights differ.
                var tokenizer = BpeTokenizer.Load(Path.Combine(sft[0], BpeTokenizer.FileName));
                using (var first = LanguageModelFile.Load(models[0], tokenizer))
                using (var second = LanguageModelFile.Load(models[1], tokenizer))
                    Assert.NotEqual(first.parameters().First().data<float>().ToArray(), second.parameters().First().data<float>().ToArray());
                break;
        }
    }

    [Fact]
    public void The_shared_start_is_the_first_members_own_start()
    {
        using var scratch = new ScratchDirectory();
        OveroptimizationStudy.Run(Tiny(MemberStart.SharedSft), scratch.File("shared"), _ => { });
        OveroptimizationStudy.Run(Tiny(MemberStart.OwnSft), scratch.File("own"), _ => { });
        string shared = Path.Combine(SftRuns(scratch.File("shared")).Single(), SftTrainer.ModelFileName);
        string first = RewardRunConfig(scratch.File("own")).GetProperty("MemberInitFrom")[0].GetString()!;
        Assert.Equal(File.ReadAllBytes(shared), File.ReadAllBytes(first));
    }

    [Fact]
    public void A_shared_start_with_member_shapes_and_a_start_outside_the_enum_are_refused_by_name()
    {
        var shape = Tiny(MemberStart.Fresh).Model;
        var shapes = Assert.Throws<ArgumentException>(() => (Tiny(MemberStart.SharedSft) with { MemberModels = [shape, shape] }).Validate());
        Assert.Contains("Start = SharedSft with MemberModels", shapes.Message);
        var unknown = Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny((MemberStart)7)).Validate());
        Assert.Contains("Start = 7: expected Fresh, SharedSft or OwnSft", unknown.Message);
        var epochs = Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny(MemberStart.OwnSft) with { SftEpochs = 0 }).Validate());
        Assert.Contains("SftEpochs = 0: expected at least 1", epochs.Message);
    }
}
