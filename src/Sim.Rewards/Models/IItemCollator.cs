using static TorchSharp.torch;

namespace Sim.Rewards.Models;

/// <summary>Packs items of one kind (robot segments, token sequences) into an <see cref="ItemBatch"/> on a device, in the
/// layout the matching <see cref="RewardEncoder"/> reads.</summary>
public interface IItemCollator<in TItem>
{
    /// <summary>Packs <paramref name="items"/> in order, padding to the longest; the tensors belong to the caller's dispose scope.</summary>
    ItemBatch Collate(IReadOnlyList<TItem> items, Device device);
}
