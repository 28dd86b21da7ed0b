using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>Prompts and completions packed as <c>[BOS] prompt completion [EOS]</c>, right-padded.</summary>
/// <param name="Ids">Token ids, <c>[batch, len]</c> int64, padded with <see cref="Tokenization.BpeTokenizer.PadId"/>.</param>
/// <param name="Mask">1 at real tokens and 0 at padding, <c>[batch, len]</c> float32.</param>
/// <param name="CompletionMask">1 at the completion's tokens and its EOS, which are the tokens scored and trained on,
/// <c>[batch, len]</c> float32.</param>
/// <remarks>The batch does not own its tensors: they belong to the dispose scope they were made in.</remarks>
public readonly record struct CompletionBatch(Tensor Ids, Tensor Mask, Tensor CompletionMask)
{
    /// <summary>Sequences in the batch.</summary>
    public long Count => Ids.shape[0];
}
