using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Learning.Oni;

/// <summary>A caption as a fixed-size bag of hashed words and word pairs, and the collator packing captions as
/// one-position items <c>[batch, 1, Size]</c> for <see cref="CaptionRewardEncoder"/>.</summary>
/// <remarks>Hashed features let the classifier score a caption it was never told about by the words it shares with
/// answered ones ("the puck moved closer" and "the gripper moved closer"), which is why ONI trains a network at all
/// rather than only looking answers up. FNV-1a keeps the hash the same on every machine and run.</remarks>
public sealed class CaptionFeatures : IItemCollator<string>
{
    /// <summary>Features per caption.</summary>
    public const int Size = 64;

    /// <summary>The features of <paramref name="caption"/>: counts of its lower-cased words and adjacent word pairs, hashed into <see cref="Size"/> bins.</summary>
    public static float[] Of(string caption)
    {
        var features = new float[Size];
        string[] words = caption.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length; i++)
        {
            features[Bin(words[i])] += 1;
            if (i > 0) features[Bin(words[i - 1] + " " + words[i])] += 1;
        }
        return features;
    }

    static int Bin(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = (hash ^ c) * 16777619;
        return (int)(hash % Size);
    }

    /// <inheritdoc/>
    public ItemBatch Collate(IReadOnlyList<string> items, Device device)
    {
        var flat = new float[items.Count * Size];
        for (int i = 0; i < items.Count; i++) Of(items[i]).CopyTo(flat, i * Size);
        return new ItemBatch(tensor(flat, [items.Count, 1, Size]).to(device), ones(items.Count, 1, dtype: ScalarType.Float32, device: device));
    }
}
