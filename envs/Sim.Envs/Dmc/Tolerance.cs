namespace Sim.Envs.Dmc;

/// <summary>dm_control's reward shaping <c>rewards.tolerance</c>: 1 when a value lies within its bounds, falling off with a
/// sigmoid of the distance to the nearer bound outside them.</summary>
/// <remarks>
/// With d the distance to the nearer bound divided by the margin, the result is sigmoid(d), where each sigmoid's scale s is
/// chosen so that sigmoid(1) = <c>valueAtMargin</c>: at one margin outside the bounds the value is exactly that. A margin
/// of 0 makes the tolerance an indicator of the bounds. The bounded sigmoids (cosine, linear, quadratic) reach 0 and may
/// take a value at the margin of 0; the others never reach 0, so theirs must lie strictly between 0 and 1.
/// </remarks>
public static class Tolerance
{
    /// <summary>The tolerance of <paramref name="x"/> for bounds [<paramref name="lower"/>, <paramref name="upper"/>]
    /// (either may be infinite).</summary>
    /// <exception cref="ArgumentException">The bounds are reversed or NaN, the margin is negative or NaN, or the value at
    /// the margin is outside what <paramref name="sigmoid"/> allows.</exception>
    public static double Of(double x, double lower, double upper, double margin = 0, ToleranceSigmoid sigmoid = ToleranceSigmoid.Gaussian,
        double valueAtMargin = 0.1)
    {
        if (!(lower <= upper)) throw new ArgumentException($"tolerance bounds ({lower}, {upper}): expected lower <= upper");
        if (!(margin >= 0)) throw new ArgumentException($"tolerance margin {margin}: expected a non-negative margin");
        if (x >= lower && x <= upper) return 1.0;
        if (margin == 0) return 0.0;
        double distance = (x < lower ? lower - x : x - upper) / margin;
        return Sigmoid(distance, valueAtMargin, sigmoid);
    }

    /// <summary>The sigmoid of <paramref name="x"/> (in margins) scaled so that its value at 1 is <paramref name="valueAt1"/>.</summary>
    public static double Sigmoid(double x, double valueAt1, ToleranceSigmoid sigmoid)
    {
        bool bounded = sigmoid is ToleranceSigmoid.Cosine or ToleranceSigmoid.Linear or ToleranceSigmoid.Quadratic;
        if (bounded ? !(valueAt1 >= 0 && valueAt1 < 1) : !(valueAt1 > 0 && valueAt1 < 1))
            throw new ArgumentException(
                $"tolerance value at the margin {valueAt1} for the {sigmoid} sigmoid: expected {(bounded ? "0 <= value < 1" : "0 < value < 1")}");
        switch (sigmoid)
        {
            case ToleranceSigmoid.Gaussian:
            {
                double scale = Math.Sqrt(-2 * Math.Log(valueAt1));
                return Math.Exp(-0.5 * (x * scale) * (x * scale));
            }
            case ToleranceSigmoid.Hyperbolic:
                return 1 / Math.Cosh(x * Math.Acosh(1 / valueAt1));
            case ToleranceSigmoid.LongTail:
            {
                double scaled = x * Math.Sqrt(1 / valueAt1 - 1);
                return 1 / (scaled * scaled + 1);
            }
            case ToleranceSigmoid.Reciprocal:
                return 1 / (Math.Abs(x) * (1 / valueAt1 - 1) + 1);
            case ToleranceSigmoid.Cosine:
            {
                double scaled = x * Math.Acos(2 * valueAt1 - 1) / Math.PI;
                return Math.Abs(scaled) < 1 ? (1 + Math.Cos(Math.PI * scaled)) / 2 : 0.0;
            }
            case ToleranceSigmoid.Linear:
            {
                double scaled = x * (1 - valueAt1);
                return Math.Abs(scaled) < 1 ? 1 - scaled : 0.0;
            }
            case ToleranceSigmoid.Quadratic:
            {
                double scaled = x * Math.Sqrt(1 - valueAt1);
                return Math.Abs(scaled) < 1 ? 1 - scaled * scaled : 0.0;
            }
            case ToleranceSigmoid.TanhSquared:
            {
                double t = Math.Tanh(x * Math.Atanh(Math.Sqrt(1 - valueAt1)));
                return 1 - t * t;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(sigmoid), sigmoid, "unknown tolerance sigmoid");
        }
    }
}
