using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Models;

/// <summary>A network that gives one score per item of a batch: the pluggable part of a reward model, under which the
/// losses, ensembles, aggregation and normalisation are shared.</summary>
/// <remarks>
/// <c>forward(inputs, mask)</c> takes an <see cref="ItemBatch"/>'s tensors and returns <c>[batch]</c> scores. A robot
/// encoder reads <c>[batch, steps, obs+act]</c> and sums its step rewards over the real steps; a language-model encoder
/// would read <c>[batch, tokens]</c> token ids with the mask as its attention mask and return one score per sequence.
/// </remarks>
public abstract class RewardEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Names the module, as TorchSharp modules are named.</summary>
    protected RewardEncoder(string name) : base(name)
    {
    }
}
