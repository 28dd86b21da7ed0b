using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Rewards.Ensembles;

/// <summary>Items with one target value each, on a device: the examples of the pointwise objectives (a class label per
/// item, or the sum an item's per-position scores must reach).</summary>
public sealed class ItemTargetDataset : IDisposable
{
    private bool _disposed;

    private ItemTargetDataset(ItemBatch items, Tensor targets, float[] hostTargets)
    {
        Items = items;
        Targets = targets;
        HostTargets = hostTargets;
    }

    /// <summary>Packs <paramref name="items"/> with <paramref name="collator"/> and their <paramref name="targets"/> (one per
    /// item) onto <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">The counts differ, or there are no items.</exception>
    public static ItemTargetDataset Create<TItem>(IItemCollator<TItem> collator, IReadOnlyList<TItem> items, IReadOnlyList<float> targets, Device device)
    {
        ArgumentNullException.ThrowIfNull(collator);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(device);
        if (targets.Count != items.Count)
            throw new ArgumentException($"{items.Count} items and {targets.Count} targets: expected one target per item", nameof(targets));
        if (items.Count == 0) throw new ArgumentException("no items were given: expected at least one item with a target", nameof(items));
        var host = targets.ToArray();
        using var scope = NewDisposeScope();
        var batch = collator.Collate(items, device);
        var targetTensor = tensor(host).to(device);
        // Out of every scope: they live until this dataset is disposed.
        foreach (var kept in new[] { batch.Inputs, batch.Mask, targetTensor }) kept.DetachFromDisposeScope();
        return new ItemTargetDataset(batch, targetTensor, host);
    }

    /// <summary>The items.</summary>
    public ItemBatch Items { get; }

    /// <summary>One target per item, <c>[Count]</c>.</summary>
    public Tensor Targets { get; }

    /// <summary>The targets on the host, as given.</summary>
    public IReadOnlyList<float> HostTargets { get; }

    /// <summary>Items.</summary>
    public int Count => HostTargets.Count;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Items.Inputs.Dispose();
        Items.Mask.Dispose();
        Targets.Dispose();
    }
}
