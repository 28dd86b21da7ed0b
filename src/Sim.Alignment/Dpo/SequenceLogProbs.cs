using Sim.Alignment.Model;
using static TorchSharp.torch;

namespace Sim.Alignment.Dpo;

/// <summary>The summed completion log-probabilities and completion token counts (EOS included) of many sequences under a
/// frozen model, computed once in batches: TRL's <c>precompute_ref_log_probs</c>, which spares the reference model a
/// forward pass per training step.</summary>
public sealed record SequenceLogProbs(float[] Sums, float[] Tokens)
{
    /// <summary>Runs <paramref name="model"/> without gradients over <paramref name="items"/>, <paramref name="batchSize"/> at a time.</summary>
    public static SequenceLogProbs Of(CausalTransformer model, CompletionCollator collator, IReadOnlyList<TokenizedCompletion> items, int batchSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(collator);
        ArgumentNullException.ThrowIfNull(items);
        var sums = new float[items.Count];
        var tokens = new float[items.Count];
        using var noGrad = no_grad();
        for (int start = 0; start < items.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = items.Skip(start).Take(batchSize).ToList();
            var logProbs = CompletionLogProbs.Of(model, collator.Pack(chunk, device));
            logProbs.Sum.cpu().data<float>().CopyTo(sums.AsSpan(start, chunk.Count));
            logProbs.Mask.sum(1).cpu().data<float>().CopyTo(tokens.AsSpan(start, chunk.Count));
        }
        return new SequenceLogProbs(sums, tokens);
    }

    /// <summary>The sums at <paramref name="indices"/> as a tensor on <paramref name="device"/>.</summary>
    public Tensor SumsAt(ReadOnlySpan<int> indices, Device device) => Gather(Sums, indices, device);

    /// <summary>The token counts at <paramref name="indices"/> as a tensor on <paramref name="device"/>.</summary>
    public Tensor TokensAt(ReadOnlySpan<int> indices, Device device) => Gather(Tokens, indices, device);

    private static Tensor Gather(float[] values, ReadOnlySpan<int> indices, Device device)
    {
        var picked = new float[indices.Length];
        for (int i = 0; i < indices.Length; i++) picked[i] = values[indices[i]];
        return tensor(picked).to(device);
    }
}
