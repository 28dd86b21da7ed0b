using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using static TorchSharp.torch;

namespace Sim.Alignment.Tests;

public sealed class CompletionGeneratorTests
{
    static readonly int[][] Prompts =
    [
        TinyModels.RandomIds(3, 300, 20),
        TinyModels.RandomIds(8, 300, 21),
        TinyModels.RandomIds(1, 300, 22),
    ];

    [Fact]
    public void The_same_seed_gives_the_same_samples_and_another_seed_other_samples()
    {
        using var model = TinyModels.Model(TinyModels.Config());
        var options = new SamplingOptions { Temperature = 1, MaxNewTokens = 20, Seed = 7 };
        var first = CompletionGenerator.Generate(model, Prompts, options);
        var again = CompletionGenerator.Generate(model, Prompts, options);
        var other = CompletionGenerator.Generate(model, Prompts, options with { Seed = 8 });
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first, c => Assert.InRange(c.Length, 0, 20));
    }

    [Fact]
    public void Sampling_with_and_without_the_cache_draws_the_same_tokens()
    {
        using var model = TinyModels.Model(TinyModels.Config());
        var options = new SamplingOptions { Temperature = 0.8, TopK = 50, TopP = 0.95, MaxNewTokens = 25, Seed = 3 };
        var cached = CompletionGenerator.Generate(model, Prompts, options);
        var uncached = CompletionGenerator.Generate(model, Prompts, options with { UseKvCache = false });
        Assert.Equal(cached, uncached);
    }

    [Fact]
    public void Greedy_decoding_of_a_batch_matches_each_prompt_decoded_alone_by_argmax()
    {
        var config = TinyModels.Config();
        using var model = TinyModels.Model(config);
        var greedy = new SamplingOptions { Temperature = 0, MaxNewTokens = 10 };
        var batched = CompletionGenerator.Generate(model, Prompts, greedy);
        using var noGrad = no_grad();
        for (int p = 0; p < Prompts.Length; p++)
        {
            // Independently: extend the unpadded sequence one argmax at a time with full forward passes.
            var sequence = new List<long> { BpeTokenizer.BosId };
            sequence.AddRange(Prompts[p].Select(t => (long)t));
            var expected = new List<int>();
            for (int step = 0; step < 10; step++)
            {
                using var logits = model.forward(tensor(sequence.ToArray(), new long[] { 1, sequence.Count }));
                int next = (int)logits[0, -1].argmax().item<long>();
                if (next == BpeTokenizer.EosId) break;
                expected.Add(next);
                sequence.Add(next);
            }
            Assert.Equal(expected.ToArray(), batched[p]);
        }
    }

    [Fact]
    public void Top_k_of_one_and_a_tiny_top_p_both_reduce_to_greedy()
    {
        using var model = TinyModels.Model(TinyModels.Config());
        var greedy = CompletionGenerator.Generate(model, Prompts, new SamplingOptions { Temperature = 0, MaxNewTokens = 12 });
        Assert.Equal(greedy, CompletionGenerator.Generate(model, Prompts, new SamplingOptions { Temperature = 1.5, TopK = 1, MaxNewTokens = 12, Seed = 1 }));
        Assert.Equal(greedy, CompletionGenerator.Generate(model, Prompts, new SamplingOptions { Temperature = 1.5, TopP = 1e-6, MaxNewTokens = 12, Seed = 2 }));
    }

    [Fact]
    public void Top_k_draws_only_among_the_k_most_likely_tokens()
    {
        // Logits 0, 1, …, 9: with k = 3 only ids 7, 8 and 9 may be drawn, and with p = 0.5 only the few at the top.
        using var logits = arange(10, dtype: ScalarType.Float32).unsqueeze(0).expand(2000, -1).contiguous();
        using var generator = new TorchSharp.torch.Generator(5, CPU);
        using var topK = NextTokenSampler.Sample(logits, new SamplingOptions { TopK = 3 }, generator);
        var drawn = topK.data<long>().ToArray();
        Assert.All(drawn, id => Assert.InRange(id, 7, 9));
        Assert.Equal(3, drawn.Distinct().Count());
        // softmax of 0…9: p(9) = 0.632, p(8) = 0.233; the ids before 9 reach 0.5 only after 9 itself, so p = 0.5 keeps 9
        // alone, and p = 0.7 keeps 9 and 8 (0.632 < 0.7).
        using var half = NextTokenSampler.Sample(logits, new SamplingOptions { TopP = 0.5 }, generator);
        Assert.All(half.data<long>().ToArray(), id => Assert.Equal(9, id));
        using var seventy = NextTokenSampler.Sample(logits, new SamplingOptions { TopP = 0.7 }, generator);
        Assert.Equal([8L, 9L], seventy.data<long>().ToArray().Distinct().Order().ToArray());
    }

    [Fact]
    public void A_prompt_that_fills_the_context_is_refused_naming_the_prompt_and_the_context()
    {
        using var model = TinyModels.Model(TinyModels.Config(context: 16));
        var error = Assert.Throws<ArgumentException>(() =>
            CompletionGenerator.Generate(model, [[5, 6], TinyModels.RandomIds(15, 300, 1)], new SamplingOptions()));
        Assert.Contains("prompt 1 has 15 tokens", error.Message);
        Assert.Contains("context of 16", error.Message);
    }
}
