using System.Numerics;
using System.Runtime.InteropServices;
using Sim.Foundation;

namespace Sim.Core.Spaces;

/// <summary>The integers {0, …, n−1}, stored as one float per element in batch buffers.</summary>
public sealed class Discrete : Space
{
    /// <summary>A space of <paramref name="n"/> choices.</summary>
    public Discrete(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "a discrete space needs at least one choice");
        N = n;
    }

    /// <summary>Number of choices.</summary>
    public int N { get; }

    public override int FlatSize => 1;

    public override void Sample(ref SimRandom rng, Span<float> destination)
    {
        CheckLength(destination, "sample destination");
        destination[0] = rng.NextInt(N);
    }

    public override bool Contains(ReadOnlySpan<float> value) =>
        value.Length == 1 && value[0] >= 0 && value[0] < N && value[0] == MathF.Floor(value[0]);

    public override void ValidateAction(ReadOnlySpan<float> row, int env)
    {
        if (!Contains(row))
            throw new ArgumentException($"action = {row[0]} in env {env}: expected an integer in [0, {N - 1}]");
    }

    public override bool AllValidActions(ReadOnlySpan<float> batch)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(batch);
        var low = Vector<float>.Zero;
        var high = new Vector<float>(N - 1);
        foreach (var v in vectors)
        {
            // Comparisons with NaN are false, so NaN fails the range test.
            if (!Vector.GreaterThanOrEqualAll(v, low) || !Vector.LessThanOrEqualAll(v, high) || !Vector.EqualsAll(Vector.Floor(v), v))
                return false;
        }
        for (int i = vectors.Length * Vector<float>.Count; i < batch.Length; i++)
            if (!Contains(batch.Slice(i, 1))) return false;
        return true;
    }

    public override string ToString() => $"Discrete({N})";
}
