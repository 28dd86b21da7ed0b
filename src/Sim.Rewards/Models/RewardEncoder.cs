using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Models;

/// <summary>A network that scores the items of a batch, or each position of them: the pluggable part of a reward model,
/// under which the objectives, ensembles, aggregation and normalisation are shared.</summary>
/// <remarks>
/// <c>forward(inputs, mask)</c> takes an <see cref="ItemBatch"/>'s tensors and returns either <c>[batch]</c> item scores
/// or <c>[batch, len]</c> position scores (step rewards, per-token rewards), which the objectives sum over the real
/// positions. A robot encoder reads <c>[batch, steps, obs+act]</c> and scores each step; a language-model encoder reads
/// <c>[batch, tokens]</c> token ids with the mask as its attention mask and scores a sequence or each token.
/// </remarks>
public abstract class RewardEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Names the module, as TorchSharp modules are named.</summary>
    protected RewardEncoder(string name) : base(name)
    {
    }
}
