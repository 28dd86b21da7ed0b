using System.Numerics;
using System.Runtime.InteropServices;
using Sim.Foundation;

namespace Sim.Core.Spaces;

/// <summary>A box of real vectors with per-dimension bounds (bounds may be infinite).</summary>
public sealed class Box : Space
{
    readonly float[] _low, _high;

    /// <summary>A box with per-dimension bounds; <paramref name="low"/> and <paramref name="high"/> must have equal length.</summary>
    public Box(float[] low, float[] high)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length != high.Length)
            throw new ArgumentException($"low has {low.Length} dims but high has {high.Length}; they must match");
        for (int i = 0; i < low.Length; i++)
        {
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"bound {i} is [{low[i]}, {high[i]}]: expected low <= high, neither NaN");
        }
        _low = (float[])low.Clone();
        _high = (float[])high.Clone();
    }

    /// <summary>A box of <paramref name="size"/> dims, all with the same bounds.</summary>
    public Box(int size, float low, float high) : this(Filled(size, low), Filled(size, high)) { }

    /// <summary>An unbounded box of <paramref name="size"/> dims, as MuJoCo observations use.</summary>
    public static Box Unbounded(int size) => new(size, float.NegativeInfinity, float.PositiveInfinity);

    static float[] Filled(int size, float value)
    {
        if (size < 0) throw new ArgumentOutOfRangeException(nameof(size), size, "a box cannot have a negative number of dimensions");
        var a = new float[size];
        Array.Fill(a, value);
        return a;
    }

    public override int FlatSize => _low.Length;

    /// <summary>Lower bounds, per dimension.</summary>
    public ReadOnlySpan<float> Low => _low;

    /// <summary>Upper bounds, per dimension.</summary>
    public ReadOnlySpan<float> High => _high;

    /// <summary>Samples as Gymnasium does: uniform when bounded, exponential tails when half-bounded, normal when unbounded.</summary>
    public override void Sample(ref SimRandom rng, Span<float> destination)
    {
        CheckLength(destination, "sample destination");
        for (int i = 0; i < _low.Length; i++)
        {
            bool lowFinite = float.IsFinite(_low[i]), highFinite = float.IsFinite(_high[i]);
            double x;
            if (lowFinite && highFinite) x = rng.Uniform(_low[i], _high[i]);
            else if (lowFinite) x = _low[i] - Math.Log(1.0 - rng.NextDouble());
            else if (highFinite) x = _high[i] + Math.Log(1.0 - rng.NextDouble());
            else x = rng.NextGaussian();
            destination[i] = (float)x;
        }
    }

    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != FlatSize) return false;
        for (int i = 0; i < value.Length; i++)
            if (!(value[i] >= _low[i] && value[i] <= _high[i])) return false;
        return true;
    }

    /// <summary>Actions must be finite; bounds are not enforced here (use the ClipAction wrapper), as in Gymnasium.</summary>
    public override void ValidateAction(ReadOnlySpan<float> row, int env)
    {
        for (int i = 0; i < row.Length; i++)
        {
            if (!float.IsFinite(row[i]))
                throw new ArgumentException($"action[{i}] = {row[i]} in env {env}: actions must be finite");
        }
    }

    public override bool AllValidActions(ReadOnlySpan<float> batch)
    {
        // x - x is 0 for finite x and NaN for NaN or ±Inf.
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(batch);
        var acc = Vector<float>.Zero;
        foreach (var v in vectors) acc += v - v;
        if (!Vector.EqualsAll(acc, Vector<float>.Zero)) return false;
        for (int i = vectors.Length * Vector<float>.Count; i < batch.Length; i++)
            if (!float.IsFinite(batch[i])) return false;
        return true;
    }

    public override string ToString() => FlatSize == 0 ? "Box(0)" : $"Box({FlatSize}, [{_low.Min()}, {_high.Max()}])";
}
