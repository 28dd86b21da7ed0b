namespace Sim.Rewards.Robot;

/// <summary>The knobs of a B-Pref scripted teacher; the defaults are the oracle.</summary>
public sealed record ScriptedTeacherOptions
{
    /// <summary>Labeler id stored with each answer.</summary>
    public string LabelerId { get; init; } = "teacher:oracle";

    /// <summary>Rationality β: null for a deterministic teacher, otherwise the answer is sampled from softmax(β·[R0, R1]).</summary>
    public double? Beta { get; init; }

    /// <summary>Discount γ of the preference return R = Σ γ^(H−1−t) r_t; 1 weighs every step alike, below 1 is myopic.</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>Probability of flipping a Left/Right answer.</summary>
    public double MistakeProbability { get; init; }

    /// <summary>δ_skip: no label when max(R0, R1) ≤ δ_skip (undiscounted returns); null never skips.</summary>
    public double? SkipThreshold { get; init; }

    /// <summary>δ_equal: Equal when |R0 − R1| &lt; δ_equal (undiscounted returns); null never answers Equal.</summary>
    public double? EqualThreshold { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(LabelerId))
            throw new ArgumentException($"labeler id '{LabelerId}' is empty: expected an id such as teacher:oracle", nameof(LabelerId));
        if (Beta is double beta && (!double.IsFinite(beta) || beta <= 0))
            throw new ArgumentOutOfRangeException(nameof(Beta), beta, $"β is {beta}: expected a finite value > 0, or null for a deterministic teacher");
        if (!(Gamma > 0 && Gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, $"γ is {Gamma}: expected a value in (0, 1]");
        if (!(MistakeProbability >= 0 && MistakeProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(MistakeProbability), MistakeProbability, $"mistake probability is {MistakeProbability}: expected a value in [0, 1]");
        if (SkipThreshold is double skip && !double.IsFinite(skip))
            throw new ArgumentOutOfRangeException(nameof(SkipThreshold), skip, $"δ_skip is {skip}: expected a finite value or null");
        if (EqualThreshold is double equal && !double.IsFinite(equal))
            throw new ArgumentOutOfRangeException(nameof(EqualThreshold), equal, $"δ_equal is {equal}: expected a finite value or null");
    }
}
