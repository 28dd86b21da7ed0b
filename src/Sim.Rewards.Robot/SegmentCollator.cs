using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot;

/// <summary>Packs robot segments into <c>[batch, steps, obs+act]</c> step rows for a <see cref="StepRewardEncoder"/>,
/// padding shorter segments with masked zero rows.</summary>
public sealed class SegmentCollator : IItemCollator<Segment>
{
    /// <summary>A collator for segments with these row sizes.</summary>
    public SegmentCollator(int observationSize, int actionSize)
    {
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, $"observationSize = {observationSize}: expected at least 1");
        if (actionSize < 0) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, $"actionSize = {actionSize}: expected at least 0");
        ObservationSize = observationSize;
        ActionSize = actionSize;
    }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionSize { get; }

    public ItemBatch Collate(IReadOnlyList<Segment> items, Device device)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(device);
        int width = ObservationSize + ActionSize;
        int longest = 0;
        for (int i = 0; i < items.Count; i++)
        {
            Check(items[i], i);
            longest = Math.Max(longest, items[i].Length);
        }
        var inputs = new float[(long)items.Count * longest * width];
        var mask = new float[(long)items.Count * longest];
        for (int i = 0; i < items.Count; i++)
        {
            var segment = items[i];
            for (int t = 0; t < segment.Length; t++)
            {
                var row = inputs.AsSpan((int)(((long)i * longest + t) * width), width);
                segment.Observation(t).CopyTo(row);
                segment.Action(t).CopyTo(row[ObservationSize..]);
                mask[i * longest + t] = 1f;
            }
        }
        using var hostInputs = tensor(inputs, new long[] { items.Count, longest, width });
        using var hostMask = tensor(mask, new long[] { items.Count, longest });
        return new ItemBatch(hostInputs.to(device), hostMask.to(device));
    }

    private void Check(Segment segment, int index)
    {
        ArgumentNullException.ThrowIfNull(segment, $"items[{index}]");
        if (segment.ObservationSize != ObservationSize)
            throw new ArgumentException($"segment {index} ({segment.Source}, episode {segment.Episode}) has ObservationSize {segment.ObservationSize}: expected {ObservationSize}, the reward model's observation size");
        if (segment.ActionSize != ActionSize)
            throw new ArgumentException($"segment {index} ({segment.Source}, episode {segment.Episode}) has ActionSize {segment.ActionSize}: expected {ActionSize}, the reward model's action size");
        if (segment.Length < 1)
            throw new ArgumentException($"segment {index} ({segment.Source}, episode {segment.Episode}) has Length {segment.Length}: expected at least 1 step");
        if (segment.Observations.Length != segment.Length * ObservationSize || segment.Actions.Length != segment.Length * ActionSize)
            throw new ArgumentException(
                $"segment {index} ({segment.Source}, episode {segment.Episode}) has {segment.Observations.Length} observation and {segment.Actions.Length} action floats: " +
                $"expected Length {segment.Length} × {ObservationSize} and × {ActionSize}");
    }
}
