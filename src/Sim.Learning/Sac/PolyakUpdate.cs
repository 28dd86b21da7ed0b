using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>Soft (Polyak) target-network updates: target ← τ·source + (1 − τ)·target.</summary>
public static class PolyakUpdate
{
    /// <summary>Moves every <paramref name="target"/> parameter a fraction <paramref name="tau"/> of the way towards the
    /// matching <paramref name="source"/> parameter (same order and shapes, as two modules of one type give them).</summary>
    public static void Apply(IReadOnlyList<Parameter> target, IReadOnlyList<Parameter> source, double tau)
    {
        if (!(tau is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(tau), tau, $"tau = {tau}: expected a fraction in [0, 1]");
        CheckPairs(target, source);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // lerp_ is target + τ·(source − target): the same average in one kernel, without temporaries.
        for (int i = 0; i < target.Count; i++) target[i].lerp_(source[i], tau);
    }

    /// <summary>Makes <paramref name="target"/> an exact copy of <paramref name="source"/>, as at the start of training.</summary>
    public static void Copy(IReadOnlyList<Parameter> target, IReadOnlyList<Parameter> source)
    {
        CheckPairs(target, source);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < target.Count; i++) target[i].copy_(source[i]);
    }

    private static void CheckPairs(IReadOnlyList<Parameter> target, IReadOnlyList<Parameter> source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        if (target.Count != source.Count)
            throw new ArgumentException($"target has {target.Count} parameters but source has {source.Count}: expected the same network twice", nameof(target));
        for (int i = 0; i < target.Count; i++)
        {
            if (!target[i].shape.SequenceEqual(source[i].shape))
                throw new ArgumentException($"parameter {i} has shape [{string.Join(", ", target[i].shape)}] in target but [{string.Join(", ", source[i].shape)}] in source", nameof(target));
        }
    }
}
