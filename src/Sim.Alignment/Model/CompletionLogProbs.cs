using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>Per-token log-probabilities of the completions of a <see cref="CompletionBatch"/> under a model, and their sum
/// and mean per sequence: the quantities SFT, the DPO family (sums; IPO and SimPO means) and KL estimates use.</summary>
/// <param name="PerToken">log π(token | prefix) at each position of the packed sequence for the token there, 0 where
/// the token is not part of the completion (the prompt, BOS, padding), <c>[batch, len − 1]</c>: entry t scores token t + 1.</param>
/// <param name="Mask">1 where <see cref="PerToken"/> scores a completion token, <c>[batch, len − 1]</c>.</param>
/// <param name="Sum">Σ over the completion's tokens, EOS included, <c>[batch]</c>.</param>
/// <param name="Mean">The same divided by the completion's token count, <c>[batch]</c>.</param>
/// <remarks>The tensors keep their graph, so losses built on them train the model; they belong to the caller's scope.</remarks>
public readonly record struct CompletionLogProbs(Tensor PerToken, Tensor Mask, Tensor Sum, Tensor Mean)
{
    /// <summary>Runs <paramref name="model"/> over <paramref name="batch"/> and gathers the log-probabilities of its completion tokens.</summary>
    public static CompletionLogProbs Of(CausalTransformer model, CompletionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var logits = model.forward(batch.Ids);
        long length = batch.Ids.shape[1];
        // The logits at position t predict token t + 1.
        var logProbs = logits.narrow(1, 0, length - 1).log_softmax(-1);
        var targets = batch.Ids.narrow(1, 1, length - 1).unsqueeze(-1);
        var mask = batch.CompletionMask.narrow(1, 1, length - 1);
        var perToken = logProbs.gather(-1, targets).squeeze(-1) * mask;
        var sum = perToken.sum(1);
        var mean = sum / mask.sum(1).clamp_min(One);
        return new CompletionLogProbs(perToken.MoveToOuterDisposeScope(), mask.contiguous().MoveToOuterDisposeScope(), sum.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope());
    }
}
