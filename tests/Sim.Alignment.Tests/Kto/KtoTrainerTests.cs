using Sim.Alignment.Kto;
using Sim.Alignment.Model;
using TorchSharp;
using Sim.Alignment.Tokenization;

namespace Sim.Alignment.Tests.Kto;

/// <summary>Checks the KTO trainer: at the reference every example costs its hand value, and training raises the implicit
/// reward of desirable completions above that of undesirable ones.</summary>
public sealed class KtoTrainerTests
{
    static (BpeTokenizer Tokenizer, List<TokenizedUnpaired> Examples) Dataset()
    {
        var tokenizer = TinyModels.Tokenizer();
        var examples = new List<TokenizedUnpaired>();
        for (int i = 0; i < 16; i++)
        {
            bool happy = i % 4 < 2;
            bool good = i % 2 == 0;
            // Desirable: the verdict that matches the robot's mood.
            examples.Add(new TokenizedUnpaired(
                tokenizer.Encode($"review: the robot is {(happy ? "happy" : "sad")}."),
                tokenizer.Encode(good ? " verdict: good" : " verdict: bad"),
                happy == good));
        }
        return (tokenizer, examples);
    }

    static KtoTrainer Trainer(KtoConfig config, BpeTokenizer tokenizer, List<TokenizedUnpaired> examples)
    {
        var modelConfig = TinyModels.Config(vocabulary: tokenizer.VocabularySize);
        return new KtoTrainer(config, tokenizer, TinyModels.Model(modelConfig, seed: 8), TinyModels.Model(modelConfig, seed: 8), examples, examples);
    }

    [Fact]
    public void At_the_reference_a_desirable_example_costs_half_lambda_D_and_an_undesirable_one_half_lambda_U()
    {
        var (tokenizer, examples) = Dataset();
        using var trainer = Trainer(new KtoConfig { BatchSize = 8, DesirableWeight = 1, UndesirableWeight = 2 }, tokenizer, examples);
        // r = 0 and z0 = max(0, 0) = 0: λ(1 − σ(0)) = λ/2; eight of each: (8·0.5 + 8·1)/16.
        Assert.Equal(0.75, trainer.Evaluate(), 5);
    }

    [Fact]
    public void Training_separates_desirable_from_undesirable_completions()
    {
        var (tokenizer, examples) = Dataset();
        var config = new KtoConfig { Seed = 3, Beta = 0.5, LearningRate = 3e-3, BatchSize = 8, Epochs = 30, LogEvery = 1, EvalEvery = 1000, CheckpointEvery = 1000 };
        using var trainer = Trainer(config, tokenizer, examples);
        double before = trainer.Evaluate();
        var sink = new ListSink();
        while (trainer.GlobalStep < trainer.TotalSteps) trainer.RunChunk(sink);
        Assert.True(trainer.Evaluate() < before, $"loss {before} → {trainer.Evaluate()}");
        // Over the whole set: the policy's log-ratio to the (identically initialised) reference, desirable vs undesirable.
        using var reference = TinyModels.Model(trainer.Policy.Config, seed: 8);
        var collator = new CompletionCollator(trainer.Policy.Config.ContextLength);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var items = examples.Select(e => e.Item).ToList();
        var ratios = (CompletionLogProbs.Of(trainer.Policy, collator.Pack(items, torch.CPU)).Sum
            - CompletionLogProbs.Of(reference, collator.Pack(items, torch.CPU)).Sum).data<float>().ToArray();
        double desirable = ratios.Where((_, i) => examples[i].Desirable).Average();
        double undesirable = ratios.Where((_, i) => !examples[i].Desirable).Average();
        Assert.True(desirable > undesirable + 1, $"log-ratios: desirable {desirable}, undesirable {undesirable}");
        Assert.All(sink.Values("kl"), z => Assert.True(z >= 0));
    }

    [Fact]
    public void A_batch_of_one_is_refused_naming_the_field()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new KtoConfig { BatchSize = 1 }.Validate());
        Assert.StartsWith("BatchSize = 1: KTO needs at least 2 examples per batch", e.Message);
    }
}
