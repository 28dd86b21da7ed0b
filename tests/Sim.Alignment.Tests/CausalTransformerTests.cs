using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using static TorchSharp.torch;

namespace Sim.Alignment.Tests;

public sealed class CausalTransformerTests
{
    [Fact]
    public void Decoding_with_the_kv_cache_gives_the_logits_of_a_full_forward_pass()
    {
        var config = TinyModels.Config();
        using var model = TinyModels.Model(config);
        using var noGrad = no_grad();
        var sequence = TinyModels.RandomIds(30, config.VocabularySize, seed: 1).Select(i => (long)i).ToArray();
        using var ids = tensor(sequence, new long[] { 1, sequence.Length });
        using var full = model.forward(ids);

        using var cache = new KvCache(config, 1, sequence.Length, CPU);
        int prefill = 11;
        using var prefix = ids.narrow(1, 0, prefill);
        using var prefixPositions = CausalTransformer.PositionsFrom(prefix, 0);
        var pieces = new List<Tensor> { model.Forward(prefix, prefixPositions, null, cache) };
        for (int t = prefill; t < sequence.Length; t++)
        {
            using var token = ids.narrow(1, t, 1);
            using var position = CausalTransformer.PositionsFrom(token, t);
            pieces.Add(model.Forward(token, position, null, cache));
        }
        using var cached = cat(pieces, 1);
        double difference = (cached - full).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"largest logit difference {difference}");
        Assert.Equal(sequence.Length, cache.Length);
        foreach (var piece in pieces) piece.Dispose();
    }

    [Fact]
    public void A_left_padded_row_with_its_key_mask_and_positions_gets_the_logits_it_gets_alone()
    {
        var config = TinyModels.Config();
        using var model = TinyModels.Model(config);
        using var noGrad = no_grad();
        var row = TinyModels.RandomIds(9, config.VocabularySize, seed: 2).Select(i => (long)i).ToArray();
        using var alone = model.forward(tensor(row, new long[] { 1, row.Length }));
        const int pad = 5;
        var padded = new long[pad].Concat(row).ToArray();
        var mask = Enumerable.Repeat(0f, pad).Concat(Enumerable.Repeat(1f, row.Length)).ToArray();
        var positions = Enumerable.Repeat(0L, pad).Concat(Enumerable.Range(0, row.Length).Select(i => (long)i)).ToArray();
        using var logits = model.Forward(tensor(padded, new long[] { 1, padded.Length }), tensor(positions, new long[] { 1, positions.Length }),
            tensor(mask, new long[] { 1, mask.Length }), null);
        double difference = (logits.narrow(1, pad, row.Length) - alone).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"largest logit difference {difference}");
    }

    [Fact]
    public void Completion_log_probs_are_the_log_softmax_entries_of_the_completion_tokens_at_shifted_positions()
    {
        var config = TinyModels.Config();
        using var model = TinyModels.Model(config);
        using var noGrad = no_grad();
        var items = new[]
        {
            new TokenizedCompletion(TinyModels.RandomIds(4, config.VocabularySize, 10), TinyModels.RandomIds(6, config.VocabularySize, 11)),
            new TokenizedCompletion(TinyModels.RandomIds(9, config.VocabularySize, 12), TinyModels.RandomIds(2, config.VocabularySize, 13)),
            new TokenizedCompletion([], TinyModels.RandomIds(3, config.VocabularySize, 14)),
        };
        var collator = new CompletionCollator(config.ContextLength);
        using var scope = NewDisposeScope();
        var batch = collator.Pack(items, CPU);
        var logProbs = CompletionLogProbs.Of(model, batch);
        var sums = logProbs.Sum.data<float>().ToArray();
        var means = logProbs.Mean.data<float>().ToArray();

        for (int i = 0; i < items.Length; i++)
        {
            // Independently: run the unpadded sequence alone and take log-softmax by hand (in double) at the position
            // before each completion token, EOS included.
            var sequence = new[] { BpeTokenizer.BosId }.Concat(items[i].Prompt).Concat(items[i].Completion).Append(BpeTokenizer.EosId).ToArray();
            var logits = model.forward(tensor(sequence.Select(t => (long)t).ToArray(), new long[] { 1, sequence.Length }));
            var host = logits.to_type(ScalarType.Float64).data<double>().ToArray();
            int vocabulary = config.VocabularySize;
            double expected = 0;
            int firstCompletion = 1 + items[i].Prompt.Length;
            for (int t = firstCompletion; t < sequence.Length; t++)
            {
                var row = host.AsSpan((t - 1) * vocabulary, vocabulary);
                double max = double.NegativeInfinity;
                foreach (double x in row) max = Math.Max(max, x);
                double total = 0;
                foreach (double x in row) total += Math.Exp(x - max);
                expected += row[sequence[t]] - max - Math.Log(total);
            }
            int counted = sequence.Length - firstCompletion;
            Assert.Equal(expected, sums[i], 1e-4);
            Assert.Equal(expected / counted, means[i], 1e-4);
        }
        // Padding and prompts contribute nothing: the mask counts exactly the completion tokens with their EOS.
        Assert.Equal(items.Sum(i => i.Completion.Length + 1), (int)logProbs.Mask.sum().item<float>());
    }

    [Fact]
    public void A_sequence_longer_than_the_context_is_refused_naming_its_lengths()
    {
        var collator = new CompletionCollator(16);
        var error = Assert.Throws<ArgumentException>(() => collator.Pack([new TokenizedCompletion(new int[10], new int[5])], CPU));
        Assert.Contains("example 0", error.Message);
        Assert.Contains("17 tokens", error.Message);
        Assert.Contains("context of 16", error.Message);
    }
}
