using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>Draws one token per row from next-token logits under <see cref="SamplingOptions"/>: temperature, then top-k,
/// then top-p, then a categorical draw from a seeded generator.</summary>
public static class NextTokenSampler
{
    // The fill of dropped logits, alive as long as the process (see Sim.Torch.TorchScalars).
    private static readonly Scalar MinusInfinity = float.NegativeInfinity.ToScalar();

    /// <summary>The drawn ids, <c>[batch]</c> int64, for <paramref name="logits"/>, <c>[batch, vocabulary]</c>.</summary>
    public static Tensor Sample(Tensor logits, SamplingOptions options, Generator generator)
    {
        using var scope = NewDisposeScope();
        if (options.Temperature == 0) return logits.argmax(-1).MoveToOuterDisposeScope();
        using var temperature = options.Temperature.ToScalar();
        var scaled = logits.to_type(ScalarType.Float32).div(temperature);
        long vocabulary = scaled.shape[^1];
        if (options.TopK > 0 && options.TopK < vocabulary)
        {
            var kth = scaled.topk(options.TopK, -1).values.narrow(-1, options.TopK - 1, 1);
            scaled = scaled.masked_fill(scaled.lt(kth), MinusInfinity);
        }
        if (options.TopP < 1)
        {
            var (sorted, order) = scaled.sort(-1, descending: true);
            var probabilities = sorted.softmax(-1);
            // A token is dropped when the more likely ones already reach p; the most likely token always stays.
            var before = probabilities.cumsum(-1) - probabilities;
            using var topP = options.TopP.ToScalar();
            var dropSorted = before.ge(topP);
            var drop = zeros_like(dropSorted).scatter(-1, order, dropSorted);
            scaled = scaled.masked_fill(drop, MinusInfinity);
        }
        return multinomial(scaled.softmax(-1), 1, generator: generator).squeeze(-1).MoveToOuterDisposeScope();
    }
}
