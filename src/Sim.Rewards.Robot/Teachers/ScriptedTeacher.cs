using Sim.Core;
using Sim.Foundation;
using Sim.Rewards.Preferences;
using Sim.Rewards.Teachers;

namespace Sim.Rewards.Robot;

/// <summary>A B-Pref simulated teacher that answers from the segments' true rewards: oracle, stochastic, mistake, skip,
/// equal, myopic, or any mix of their knobs.</summary>
/// <remarks>
/// The rules are applied in B-Pref's order:
/// <list type="number">
/// <item>skip: when max(R0, R1) ≤ δ_skip, answer Skip (no random number is drawn);</item>
/// <item>prefer by the discounted return R = Σ γ^(H−1−t) r_t: with β, Right with probability
/// softmax(β·[R0, R1])[1] (one draw); without, the larger return (Left on a tie);</item>
/// <item>mistake: flip with probability ε (one draw, only when ε &gt; 0);</item>
/// <item>equal: when |R0 − R1| &lt; δ_equal, answer Equal, overriding the above.</item>
/// </list>
/// Skip and equal compare undiscounted returns, as B-Pref does. Answers are deterministic given the seed and the order
/// of the queries. Not thread-safe.
/// </remarks>
public sealed class ScriptedTeacher : ImmediateTeacher<Segment>
{
    readonly ScriptedTeacherOptions _options;
    SimRandom _random;

    /// <summary>A teacher with <paramref name="options"/>, drawing its random numbers from <paramref name="seed"/>.</summary>
    public ScriptedTeacher(ScriptedTeacherOptions options, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = new SimRandom(seed);
        SkipThreshold = options.SkipThreshold;
        EqualThreshold = options.EqualThreshold;
    }

    /// <summary>Always prefers the larger true return.</summary>
    public static ScriptedTeacher Oracle(ulong seed = 0) => new(new ScriptedTeacherOptions { LabelerId = "teacher:oracle" }, seed);

    /// <summary>Samples its answer from softmax(β·[R0, R1]) (B-Pref: β = 1).</summary>
    public static ScriptedTeacher Stochastic(double beta = 1.0, ulong seed = 0) =>
        new(new ScriptedTeacherOptions { LabelerId = "teacher:stochastic", Beta = beta }, seed);

    /// <summary>The oracle, with its answer flipped with probability <paramref name="epsilon"/> (B-Pref: 0.1).</summary>
    public static ScriptedTeacher Mistake(double epsilon = 0.1, ulong seed = 0) =>
        new(new ScriptedTeacherOptions { LabelerId = "teacher:mistake", MistakeProbability = epsilon }, seed);

    /// <summary>The oracle, but Skip when neither segment's return exceeds <paramref name="delta"/> (see <see cref="TeacherThresholds"/>).</summary>
    public static ScriptedTeacher Skip(double delta, ulong seed = 0) =>
        new(new ScriptedTeacherOptions { LabelerId = "teacher:skip", SkipThreshold = delta }, seed);

    /// <summary>The oracle, but Equal when the returns differ by less than <paramref name="delta"/> (see <see cref="TeacherThresholds"/>).</summary>
    public static ScriptedTeacher Equal(double delta, ulong seed = 0) =>
        new(new ScriptedTeacherOptions { LabelerId = "teacher:equal", EqualThreshold = delta }, seed);

    /// <summary>The oracle on discounted returns, so later steps weigh more (B-Pref: γ = 0.9).</summary>
    public static ScriptedTeacher Myopic(double gamma = 0.9, ulong seed = 0) =>
        new(new ScriptedTeacherOptions { LabelerId = "teacher:myopic", Gamma = gamma }, seed);

    /// <inheritdoc/>
    public override string LabelerId => _options.LabelerId;

    /// <summary>The teacher's settings as constructed (thresholds may since have changed; see the properties).</summary>
    public ScriptedTeacherOptions Options => _options;

    /// <summary>Current δ_skip; PEBBLE recomputes it before each round from recent episodes.</summary>
    public double? SkipThreshold
    {
        get;
        set => field = value is double v && !double.IsFinite(v)
            ? throw new ArgumentOutOfRangeException(nameof(value), v, $"δ_skip is {v}: expected a finite value or null")
            : value;
    }

    /// <summary>Current δ_equal; PEBBLE recomputes it before each round from recent episodes.</summary>
    public double? EqualThreshold
    {
        get;
        set => field = value is double v && !double.IsFinite(v)
            ? throw new ArgumentOutOfRangeException(nameof(value), v, $"δ_equal is {v}: expected a finite value or null")
            : value;
    }

    /// <summary>Sets δ_skip and δ_equal (those the teacher uses) to ε·(mean return)·H/(mean length).</summary>
    public void UpdateThresholds(double meanEpisodeReturn, double meanEpisodeLength, int segmentLength, double epsilon = TeacherThresholds.DefaultEpsilon)
    {
        double delta = TeacherThresholds.Compute(epsilon, meanEpisodeReturn, meanEpisodeLength, segmentLength);
        if (SkipThreshold.HasValue) SkipThreshold = delta;
        if (EqualThreshold.HasValue) EqualThreshold = delta;
    }

    /// <summary>Writes the teacher's random stream and current thresholds, so that <see cref="LoadState"/> answers the
    /// next queries exactly as this teacher would.</summary>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(LabelerId);
        writer.WriteRandom(_random);
        WriteThreshold(writer, SkipThreshold);
        WriteThreshold(writer, EqualThreshold);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote from a teacher with the same labeler id.</summary>
    /// <exception cref="InvalidDataException">When the state is another teacher's or corrupt.</exception>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        reader.ExpectString(LabelerId, "teacher labeler id");
        var random = reader.ReadRandom($"{LabelerId} random state");
        double? skip = ReadThreshold(reader, $"{LabelerId} skip threshold");
        double? equal = ReadThreshold(reader, $"{LabelerId} equal threshold");
        _random = random;
        SkipThreshold = skip;
        EqualThreshold = equal;
    }

    static void WriteThreshold(BinaryWriter writer, double? threshold)
    {
        writer.Write(threshold.HasValue);
        writer.Write(threshold ?? 0);
    }

    static double? ReadThreshold(BinaryReader reader, string what)
    {
        bool present = reader.ReadFlag(what);
        double value = reader.ReadDouble();
        if (!present) return null;
        return double.IsFinite(value) ? value : throw new InvalidDataException($"{what} = {value}: expected a finite value");
    }

    /// <summary>The return the teacher prefers by: Σ γ^(H−1−t) r_t, so the last step has weight 1.</summary>
    public static double DiscountedReturn(ReadOnlySpan<float> rewards, double gamma)
    {
        // Horner's scheme from the first step: ((r0·γ + r1)·γ + r2)… gives r_t the weight γ^(H−1−t).
        double sum = 0;
        foreach (float r in rewards) sum = sum * gamma + r;
        return sum;
    }

    /// <inheritdoc/>
    public override PreferenceLabel Answer(Segment left, Segment right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Length != right.Length)
            throw new ArgumentException($"the segments have {left.Length} and {right.Length} steps: a teacher compares segments of equal length");

        double sum0 = left.TrueReturn, sum1 = right.TrueReturn;
        if (SkipThreshold is double skip && Math.Max(sum0, sum1) <= skip) return PreferenceLabel.Skip;

        double r0 = DiscountedReturn(left.TrueRewards, _options.Gamma);
        double r1 = DiscountedReturn(right.TrueRewards, _options.Gamma);
        PreferenceLabel label;
        if (_options.Beta is double beta)
        {
            // softmax(β·[R0, R1])[1] = σ(β (R1 − R0)), written to stay finite for large differences.
            double z = beta * (r1 - r0);
            double pRight = z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
            label = _random.NextDouble() < pRight ? PreferenceLabel.Right : PreferenceLabel.Left;
        }
        else
        {
            label = r0 < r1 ? PreferenceLabel.Right : PreferenceLabel.Left;
        }

        if (_options.MistakeProbability > 0 && _random.NextDouble() < _options.MistakeProbability)
            label = label == PreferenceLabel.Left ? PreferenceLabel.Right : PreferenceLabel.Left;

        if (EqualThreshold is double equal && Math.Abs(sum0 - sum1) < equal) return PreferenceLabel.Equal;
        return label;
    }
}
