using System.Numerics;
using System.Runtime.CompilerServices;

// The tests check VectorTrig's lane independence directly, which no public API exposes.
[assembly: InternalsVisibleTo("Sim.Envs.Tests")]

namespace Sim.Envs.ClassicControl;

/// <summary>Branch-free double-precision sine and cosine over SIMD lanes, for the vectorised classic-control steps.</summary>
/// <remarks>
/// <see cref="Vector.SinCos(Vector{double})"/> picks a code path per whole vector (all lanes small, or not),
/// so a lane's bits can depend on its neighbours, and which envs share a vector depends on how envs are
/// split over threads. Every lane here takes the same path, so a result depends on its own input only and
/// trajectories stay bitwise identical for any thread count.
/// Accuracy is within an ulp or two of <see cref="Math.Sin"/> for |x| up to about 1e5; beyond that the
/// two-constant argument reduction loses bits, which no classic-control state reaches.
/// </remarks>
internal static class VectorTrig
{
    // π/2 split as in fdlibm: the high part has 33 significant bits, so k × High is exact for |k| < 2^20.
    const double HalfPiHigh = 1.57079632673412561417e+00;
    const double HalfPiLow = 6.07710050650619224932e-11;
    const double TwoOverPi = 2 / Math.PI;
    const double RoundingShift = 6755399441055744.0; // 1.5 × 2^52

    // Taylor coefficients (−1)^n / (2n+1)! and (−1)^n / (2n)!; on |r| ≤ π/4 the first omitted terms are below 1e-16.
    const double S3 = -1.0 / 6, S5 = 1.0 / 120, S7 = -1.0 / 5040, S9 = 1.0 / 362880, S11 = -1.0 / 39916800,
        S13 = 1.0 / 6227020800, S15 = -1.0 / 1307674368000;
    const double C2 = -1.0 / 2, C4 = 1.0 / 24, C6 = -1.0 / 720, C8 = 1.0 / 40320, C10 = -1.0 / 3628800,
        C12 = 1.0 / 479001600, C14 = -1.0 / 87178291200, C16 = 1.0 / 20922789888000;

    /// <summary>Sine and cosine of every lane of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(Vector<double> x, out Vector<double> sin, out Vector<double> cos)
    {
        // Adding 1.5·2^52 rounds to the nearest integer k and leaves k in the low mantissa bits, which gives the
        // quadrant without a double-to-long conversion (AVX2 has none, and the fallback is per element).
        var shifted = x * new Vector<double>(TwoOverPi) + new Vector<double>(RoundingShift);
        var k = shifted - new Vector<double>(RoundingShift);
        var r = x - k * new Vector<double>(HalfPiHigh) - k * new Vector<double>(HalfPiLow);
        var r2 = r * r;

        var s = new Vector<double>(S15);
        s = s * r2 + new Vector<double>(S13);
        s = s * r2 + new Vector<double>(S11);
        s = s * r2 + new Vector<double>(S9);
        s = s * r2 + new Vector<double>(S7);
        s = s * r2 + new Vector<double>(S5);
        s = s * r2 + new Vector<double>(S3);
        s = s * r2 * r + r;

        var c = new Vector<double>(C16);
        c = c * r2 + new Vector<double>(C14);
        c = c * r2 + new Vector<double>(C12);
        c = c * r2 + new Vector<double>(C10);
        c = c * r2 + new Vector<double>(C8);
        c = c * r2 + new Vector<double>(C6);
        c = c * r2 + new Vector<double>(C4);
        c = c * r2 + new Vector<double>(C2);
        c = c * r2 + Vector<double>.One;

        // Quadrant q = k mod 4: sin(x) is s, c, −s, −c and cos(x) is c, −s, −c, s for q = 0..3.
        var q = Vector.AsVectorInt64(shifted);
        var one = Vector<long>.One;
        var two = new Vector<long>(2);
        var swap = Vector.Equals(q & one, one);
        var sinNegative = Vector.Equals(q & two, two);
        var cosNegative = Vector.Equals((q + one) & two, two);
        var sinMagnitude = Vector.ConditionalSelect(swap, c, s);
        var cosMagnitude = Vector.ConditionalSelect(swap, s, c);
        sin = Vector.ConditionalSelect(sinNegative, -sinMagnitude, sinMagnitude);
        cos = Vector.ConditionalSelect(cosNegative, -cosMagnitude, cosMagnitude);
    }
}
