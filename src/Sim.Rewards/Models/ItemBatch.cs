using static TorchSharp.torch;

namespace Sim.Rewards.Models;

/// <summary>A padded batch of items as an encoder reads it: the inputs and a mask of which positions are real.</summary>
/// <param name="Inputs">Items, <c>[batch, length, …]</c>: robot steps as <c>[batch, steps, obs+act]</c> floats, or token
/// ids as <c>[batch, tokens]</c>.</param>
/// <param name="Mask">1 at real positions and 0 at padding, <c>[batch, length]</c>, float32.</param>
/// <remarks>The batch does not own its tensors: whoever made them disposes them (or their dispose scope does).</remarks>
public readonly record struct ItemBatch(Tensor Inputs, Tensor Mask)
{
    /// <summary>Items in the batch.</summary>
    public long Count => Inputs.shape[0];

    /// <summary>The items at <paramref name="indices"/> (a 1-D int64 tensor on the batch's device), as new tensors.</summary>
    public ItemBatch Select(Tensor indices) => new(Inputs.index_select(0, indices), Mask.index_select(0, indices));
}
