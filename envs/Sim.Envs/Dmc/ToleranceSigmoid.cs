namespace Sim.Envs.Dmc;

/// <summary>The shape with which dm_control's <see cref="Tolerance"/> falls off outside its bounds, as a function of the
/// distance to the nearer bound in units of the margin.</summary>
public enum ToleranceSigmoid
{
    /// <summary>exp(−(x·s)²/2): smooth, never exactly 0 (dm_control's default).</summary>
    Gaussian,

    /// <summary>1/cosh(x·s).</summary>
    Hyperbolic,

    /// <summary>1/((x·s)² + 1): a long, slowly falling tail.</summary>
    LongTail,

    /// <summary>1/(|x|·s + 1).</summary>
    Reciprocal,

    /// <summary>(1 + cos(π·x·s))/2 while x·s &lt; 1, then 0.</summary>
    Cosine,

    /// <summary>1 − x·s while x·s &lt; 1, then 0: a straight ramp.</summary>
    Linear,

    /// <summary>1 − (x·s)² while x·s &lt; 1, then 0.</summary>
    Quadratic,

    /// <summary>1 − tanh(x·s)².</summary>
    TanhSquared,
}
