using Sim.Core.Statistics;

namespace Sim.Core.Wrappers;

/// <summary>Scales rewards by the running standard deviation of the discounted return, as Gymnasium's NormalizeReward does.</summary>
/// <remarks>
/// Per env, <c>G ← G·γ·(1 − done) + r</c> with done = terminated or truncated of the same step; in
/// <see cref="Training"/> mode the whole batch of G updates the running variance, then each reward becomes
/// <c>clip(r / sqrt(var + ε), ±clip)</c>. The reward is scaled, never shifted, so the sign and the optimal
/// policy are kept. Gymnasium resets G only on termination; resetting on truncation too keeps a time-limited
/// episode's return out of the next one. A next-step reset step has reward 0 and is no end, so it only
/// discounts G once more, as in Gymnasium. The clip (10 by default) is the one CleanRL applies after this wrapper.
/// </remarks>
public sealed class NormalizeReward : VectorEnvWrapper
{
    /// <summary>The kind tag of saved return statistics.</summary>
    public const string StatisticsKind = "return";

    readonly double[] _returns;
    readonly float[] _rewards;
    double _scale;

    /// <summary>Normalizes the rewards of <paramref name="inner"/>.</summary>
    public NormalizeReward(IVectorEnv inner, double gamma = 0.99, double epsilon = 1e-8, float clip = 10f) : base(inner)
    {
        if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "expected a discount in [0, 1]");
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "expected a finite epsilon >= 0");
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "expected a clip bound > 0 (infinity disables clipping)");
        Gamma = gamma;
        Epsilon = epsilon;
        Clip = clip;
        Statistics = new RunningMeanStd(1);
        _returns = new double[inner.NumEnvs];
        _rewards = new float[inner.NumEnvs];
        StatisticsChanged();
    }

    /// <summary>Discount of the return whose variance scales the rewards.</summary>
    public double Gamma { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Normalized rewards are clipped to [−Clip, Clip].</summary>
    public float Clip { get; }

    /// <summary>Whether steps update the statistics; set false to evaluate with frozen statistics.</summary>
    public bool Training { get; set; } = true;

    /// <summary>Running statistics of the discounted return. After changing them directly, call <see cref="StatisticsChanged"/>.</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>Each env's discounted return accumulator G.</summary>
    public ReadOnlySpan<double> DiscountedReturns => _returns;

    public override ReadOnlySpan<float> Rewards => _rewards;

    /// <summary>Saves the return statistics to <paramref name="path"/> (atomically).</summary>
    public void Save(string path) => RunningStatsFile.Save(path, StatisticsKind, Statistics);

    /// <summary>Loads return statistics saved by <see cref="Save"/>.</summary>
    public void Load(string path)
    {
        RunningStatsFile.Load(path, StatisticsKind, Statistics);
        StatisticsChanged();
    }

    /// <summary>Recomputes the cached scale after <see cref="Statistics"/> was changed from outside.</summary>
    public void StatisticsChanged() => _scale = 1.0 / Math.Sqrt(Statistics.Variance[0] + Epsilon);

    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.Write(Gamma);
        writer.Write(Epsilon);
        writer.Write((double)Clip);
        writer.Write(Training);
        Statistics.Write(writer);
        // Saved as it is rather than recomputed, so it matches even after a caller changed the statistics without
        // calling StatisticsChanged.
        writer.Write(_scale);
        writer.WriteArray<double>(_returns);
        writer.WriteArray<float>(_rewards);
    }

    protected override void LoadWrapperState(BinaryReader reader)
    {
        reader.ExpectDouble(Gamma, "NormalizeReward gamma");
        reader.ExpectDouble(Epsilon, "NormalizeReward epsilon");
        reader.ExpectDouble(Clip, "NormalizeReward clip");
        Training = reader.ReadFlag("NormalizeReward training flag");
        Statistics.Read(reader, "NormalizeReward statistics");
        _scale = reader.ReadDouble();
        reader.ReadArray<double>(_returns, "NormalizeReward discounted returns");
        reader.ReadArray<float>(_rewards, "NormalizeReward rewards");
    }

    public override void Reset(ulong? seed = null)
    {
        Inner.Reset(seed);
        Array.Clear(_returns);
        Array.Clear(_rewards);
    }

    public override void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(actions);
        var rewards = Inner.Rewards;
        var terminated = Inner.Terminated;
        var truncated = Inner.Truncated;
        for (int i = 0; i < _returns.Length; i++)
        {
            double keep = terminated[i] || truncated[i] ? 0.0 : Gamma;
            _returns[i] = _returns[i] * keep + rewards[i];
        }
        if (Training)
        {
            Statistics.Update(_returns);
            StatisticsChanged();
        }
        for (int i = 0; i < _rewards.Length; i++)
            _rewards[i] = (float)Math.Clamp(rewards[i] * _scale, -Clip, Clip);
    }

    public override void Truncate(int env)
    {
        // The step already counted as a continuation; restart the return as the formula does at an end.
        // The statistics keep the value they saw, which differs only in this one sample.
        if (EpisodeTruncation.Forward(Inner, env)) _returns[env] = Inner.Rewards[env];
    }
}
