using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>Rotary position embedding (RoFormer, Su et al.): rotates each pair of query and key features by an angle
/// proportional to the token's position, so attention scores depend only on relative position.</summary>
/// <remarks>Angles are computed from the positions on every call rather than cached in a table: they cost a few
/// element-wise operations, take per-row positions (left-padded batches start at different offsets), and keep the
/// module's state dict to its weights.</remarks>
public static class RotaryEmbedding
{
    /// <summary>Rotates <paramref name="x"/>, <c>[batch, heads, len, headWidth]</c>, for <paramref name="positions"/>,
    /// <c>[batch, len]</c> int64: feature i of the first half pairs with feature i of the second (GPT-NeoX's layout).</summary>
    public static Tensor Apply(Tensor x, Tensor positions, double ropeBase)
    {
        using var scope = NewDisposeScope();
        long headWidth = x.shape[^1];
        long half = headWidth / 2;
        using var end = half.ToScalar();
        using var rate = (-2.0 * Math.Log(ropeBase) / headWidth).ToScalar();
        var exponents = arange(Zero, end, One, dtype: ScalarType.Float32, device: x.device).mul(rate);
        var angles = positions.to_type(ScalarType.Float32).unsqueeze(-1) * exponents.exp();   // [batch, len, half]
        var cos = angles.cos().unsqueeze(1).to_type(x.dtype);                                  // [batch, 1, len, half]
        var sin = angles.sin().unsqueeze(1).to_type(x.dtype);
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        return cat(new[] { first * cos - second * sin, (first * sin).add(second * cos, One) }, -1).MoveToOuterDisposeScope();
    }
}
