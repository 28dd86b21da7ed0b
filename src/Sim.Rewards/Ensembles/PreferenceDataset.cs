using Sim.Rewards.Losses;
using Sim.Rewards.Models;
using Sim.Rewards.Preferences;
using static TorchSharp.torch;

namespace Sim.Rewards.Ensembles;

/// <summary>Labelled pairs on a device, ready for training or evaluating a <see cref="RewardEnsemble"/>: the left and
/// right items as <see cref="ItemBatch"/>es and the targets P(left ≻ right). Skipped pairs are left out.</summary>
public sealed class PreferenceDataset : IDisposable
{
    private bool _disposed;

    private PreferenceDataset(ItemBatch left, ItemBatch right, Tensor targets, Tensor? margins, int given)
    {
        Left = left;
        Right = right;
        Targets = targets;
        Margins = margins;
        GivenPairs = given;
    }

    /// <summary>Packs the trainable pairs of <paramref name="left"/>, <paramref name="right"/> and <paramref name="labels"/>
    /// (all the same length) onto <paramref name="device"/>.</summary>
    /// <param name="collator">Packs the items for the encoder.</param>
    /// <param name="left">Left items.</param>
    /// <param name="right">Right items.</param>
    /// <param name="labels">Answers; Skip pairs are dropped.</param>
    /// <param name="device">Where the tensors live.</param>
    /// <param name="margins">Optional per-pair margins for the loss (TRL's <c>margin</c> column).</param>
    /// <exception cref="InvalidOperationException">When no pair is trainable, with a message saying why.</exception>
    public static PreferenceDataset Create<TItem>(
        IItemCollator<TItem> collator, IReadOnlyList<TItem> left, IReadOnlyList<TItem> right, IReadOnlyList<PreferenceLabel> labels,
        Device device, IReadOnlyList<float>? margins = null)
    {
        ArgumentNullException.ThrowIfNull(collator);
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(device);
        if (right.Count != left.Count || labels.Count != left.Count)
            throw new ArgumentException($"{left.Count} left items, {right.Count} right items and {labels.Count} labels: expected as many of each");
        if (margins is not null && margins.Count != left.Count)
            throw new ArgumentException($"{margins.Count} margins for {left.Count} pairs: expected one per pair", nameof(margins));
        var keptLeft = new List<TItem>();
        var keptRight = new List<TItem>();
        var targets = new List<float>();
        var keptMargins = new List<float>();
        for (int i = 0; i < labels.Count; i++)
        {
            if (!Enum.IsDefined(labels[i])) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"labels[{i}] = {(int)labels[i]}: expected Left, Right, Equal or Skip");
            if (!PreferenceTargets.IsTrainable(labels[i])) continue;
            keptLeft.Add(left[i]);
            keptRight.Add(right[i]);
            targets.Add(PreferenceTargets.Of(labels[i]));
            if (margins is not null) keptMargins.Add(margins[i]);
        }
        if (targets.Count == 0) throw new InvalidOperationException(PreferenceTargets.NoTrainableLabelsMessage(labels.Count));

        using var scope = NewDisposeScope();
        var leftBatch = collator.Collate(keptLeft, device);
        var rightBatch = collator.Collate(keptRight, device);
        var targetTensor = tensor(targets.ToArray()).to(device);
        var marginTensor = margins is null ? null : tensor(keptMargins.ToArray()).to(device);
        // Out of every scope: they live until this dataset is disposed.
        foreach (var kept in new[] { leftBatch.Inputs, leftBatch.Mask, rightBatch.Inputs, rightBatch.Mask, targetTensor, marginTensor })
            kept?.DetachFromDisposeScope();
        return new PreferenceDataset(leftBatch, rightBatch, targetTensor, marginTensor, labels.Count);
    }

    /// <summary>Packs the trainable pairs of <paramref name="labels"/> (e.g. read from a label store) with <paramref name="collator"/>.</summary>
    public static PreferenceDataset FromLabels<TItem>(IItemCollator<TItem> collator, IReadOnlyList<LabeledPair<TItem>> labels, Device device)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var left = new TItem[labels.Count];
        var right = new TItem[labels.Count];
        var answers = new PreferenceLabel[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            var labeled = labels[i] ?? throw new ArgumentNullException(nameof(labels), $"labels[{i}] is null");
            left[i] = labeled.Pair.Left;
            right[i] = labeled.Pair.Right;
            answers[i] = labeled.Label;
        }
        return Create(collator, left, right, answers, device);
    }

    /// <summary>Left items of the trainable pairs.</summary>
    public ItemBatch Left { get; }

    /// <summary>Right items of the trainable pairs.</summary>
    public ItemBatch Right { get; }

    /// <summary>Target P(left ≻ right) per trainable pair, <c>[Count]</c>.</summary>
    public Tensor Targets { get; }

    /// <summary>Per-pair margins, <c>[Count]</c>, or null.</summary>
    public Tensor? Margins { get; }

    /// <summary>Trainable pairs.</summary>
    public int Count => (int)Targets.shape[0];

    /// <summary>Pairs given, Skip included.</summary>
    public int GivenPairs { get; }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Left.Inputs.Dispose();
        Left.Mask.Dispose();
        Right.Inputs.Dispose();
        Right.Mask.Dispose();
        Targets.Dispose();
        Margins?.Dispose();
    }
}
