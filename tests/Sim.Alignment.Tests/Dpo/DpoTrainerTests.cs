using Sim.Alignment.Dpo;
using Sim.Alignment.Losses;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;

namespace Sim.Alignment.Tests.Dpo;

/// <summary>Checks the DPO trainer: with the policy equal to its reference every variant's loss is its hand value at
/// Δ = 0, and training moves the policy towards the chosen completions.</summary>
public sealed class DpoTrainerTests
{
    static (BpeTokenizer Tokenizer, List<TokenizedPreference> Pairs) Dataset()
    {
        var tokenizer = TinyModels.Tokenizer();
        var pairs = new List<TokenizedPreference>();
        for (int i = 0; i < 16; i++)
        {
            bool happy = i % 2 == 0;
            pairs.Add(new TokenizedPreference(
                tokenizer.Encode($"review: the robot is {(happy ? "happy" : "sad")}."),
                tokenizer.Encode(happy ? " verdict: good" : " verdict: bad"),
                tokenizer.Encode(happy ? " verdict: bad" : " verdict: good")));
        }
        return (tokenizer, pairs);
    }

    static DpoConfig Config(DpoVariant variant, double beta = 0.1, double smoothing = 0) => new()
    {
        Seed = 2, Variant = variant, Beta = beta, LabelSmoothing = smoothing, LearningRate = 3e-3, BatchSize = 8, Epochs = 15,
        LogEvery = 1, EvalEvery = 1000, CheckpointEvery = 1000,
    };

    static DpoTrainer Trainer(DpoConfig config, BpeTokenizer tokenizer, List<TokenizedPreference> pairs)
    {
        var modelConfig = TinyModels.Config(vocabulary: tokenizer.VocabularySize);
        using var reference = TinyModels.Model(modelConfig, seed: 8);
        return new DpoTrainer(config, tokenizer, TinyModels.Model(modelConfig, seed: 8), config.LossOptions().UsesReference ? reference : null, pairs, pairs);
    }

    [Theory]
    [InlineData(DpoVariant.Sigmoid, 0.0, 0.69314718)] // −log σ(0) = log 2
    [InlineData(DpoVariant.Conservative, 0.2, 0.69314718)] // (1 − ε) log 2 + ε log 2
    [InlineData(DpoVariant.Hinge, 0.0, 1.0)] // relu(1 − 0)
    [InlineData(DpoVariant.Ipo, 0.0, 25.0)] // (0 − 1/(2·0.1))²
    public void A_policy_equal_to_its_reference_has_the_loss_of_a_zero_margin(DpoVariant variant, double smoothing, double expected)
    {
        var (tokenizer, pairs) = Dataset();
        using var trainer = Trainer(Config(variant, smoothing: smoothing), tokenizer, pairs);
        var (loss, accuracy) = trainer.Evaluate();
        Assert.Equal(expected, loss, 4);
        Assert.Equal(0, accuracy); // equal rewards are not strictly higher
    }

    [Theory]
    [InlineData(DpoVariant.Sigmoid)]
    [InlineData(DpoVariant.Ipo)]
    [InlineData(DpoVariant.SimPo)]
    public void Training_ranks_every_chosen_completion_above_its_rejected_one(DpoVariant variant)
    {
        var (tokenizer, pairs) = Dataset();
        var config = Config(variant, beta: variant == DpoVariant.SimPo ? 2 : 0.1);
        using var trainer = Trainer(config, tokenizer, pairs);
        double before = trainer.Evaluate().Loss;
        var sink = new ListSink();
        while (trainer.GlobalStep < trainer.TotalSteps) trainer.RunChunk(sink);
        var (after, accuracy) = trainer.Evaluate();
        Assert.True(after < before, $"{variant}: loss {before} → {after}");
        Assert.Equal(1.0, accuracy);
        Assert.Equal(1.0, sink.Values("rewards/accuracies")[^1]);
        Assert.True(sink.Values("rewards/margins")[^1] > 0);
    }

    [Fact]
    public void A_variant_with_a_reference_refuses_to_start_without_one()
    {
        var (tokenizer, pairs) = Dataset();
        var e = Assert.Throws<ArgumentException>(() => new DpoTrainer(Config(DpoVariant.Sigmoid), tokenizer,
            TinyModels.Model(TinyModels.Config(vocabulary: tokenizer.VocabularySize)), null, pairs));
        Assert.StartsWith("the Sigmoid loss compares against a reference model", e.Message);
    }

    [Fact]
    public void A_pair_longer_than_the_context_is_named()
    {
        var (tokenizer, pairs) = Dataset();
        pairs[3] = pairs[3] with { Rejected = Enumerable.Repeat(tokenizer.Encode("x")[0], 60).ToArray() };
        var e = Assert.Throws<ArgumentException>(() => Trainer(Config(DpoVariant.Sigmoid), tokenizer, pairs));
        Assert.StartsWith("training pair 3 (rejected): prompt of", e.Message);
        Assert.Contains("longer than the context of 48", e.Message);
    }
}
