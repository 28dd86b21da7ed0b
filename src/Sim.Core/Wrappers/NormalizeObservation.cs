using Sim.Core.Spaces;
using Sim.Core.Statistics;

namespace Sim.Core.Wrappers;

/// <summary>Standardizes observations with running statistics: <c>clip((obs − mean) / sqrt(var + ε), ±clip)</c>.</summary>
/// <remarks>
/// As in Gymnasium, the statistics are updated (in <see cref="Training"/> mode) with every batch of
/// observations returned by Reset and Step, then that batch is normalized with the updated statistics.
/// Final observations are normalized with the same statistics but are not added to them: in next-step
/// mode they already are the returned observations, and in same-step mode they would be counted twice
/// if a learner bootstraps from them. The clip (10 by default, as CleanRL applies after this wrapper)
/// keeps rare outliers from dominating early training. The exposed observation space is
/// <c>Box(size, −clip, clip)</c>, since any structure of a dict space no longer means what it did.
/// </remarks>
public sealed class NormalizeObservation : VectorEnvWrapper
{
    /// <summary>The kind tag of saved observation statistics.</summary>
    public const string StatisticsKind = "observation";

    readonly int _size;
    readonly float[] _observations;
    readonly float[] _finalObservations;
    readonly double[] _scale;
    readonly Box _space;

    /// <summary>Normalizes the observations of <paramref name="inner"/>.</summary>
    public NormalizeObservation(IVectorEnv inner, double epsilon = 1e-8, float clip = 10f) : base(inner)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "expected a finite epsilon >= 0");
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "expected a clip bound > 0 (infinity disables clipping)");
        Epsilon = epsilon;
        Clip = clip;
        _size = inner.SingleObservationSpace.FlatSize;
        Statistics = new RunningMeanStd(_size);
        _observations = new float[inner.NumEnvs * _size];
        _finalObservations = new float[inner.NumEnvs * _size];
        _scale = new double[_size];
        _space = float.IsPositiveInfinity(clip) ? Box.Unbounded(_size) : new Box(_size, -clip, clip);
        RefreshScale();
    }

    /// <summary>Added to the variance before the square root, so constant components do not divide by zero.</summary>
    public double Epsilon { get; }

    /// <summary>Normalized values are clipped to [−Clip, Clip].</summary>
    public float Clip { get; }

    /// <summary>Whether Reset and Step update the statistics; set false to evaluate with frozen statistics.</summary>
    public bool Training { get; set; } = true;

    /// <summary>The running statistics in use. After changing them directly, call <see cref="StatisticsChanged"/>.</summary>
    public RunningMeanStd Statistics { get; }

    public override Space SingleObservationSpace => _space;
    public override ReadOnlySpan<float> Observations => _observations;
    public override ReadOnlySpan<float> FinalObservations => _finalObservations;

    /// <summary>Writes the normalization of <paramref name="raw"/> (one or more rows) into <paramref name="destination"/>
    /// with the current statistics, for observations that did not come through this wrapper.</summary>
    public void Normalize(ReadOnlySpan<float> raw, Span<float> destination)
    {
        if (raw.Length % _size != 0 || destination.Length != raw.Length)
            throw new ArgumentException($"got {raw.Length} raw and {destination.Length} destination values, expected equal whole rows of {_size}");
        var mean = Statistics.Mean;
        for (int start = 0; start < raw.Length; start += _size)
        {
            for (int d = 0; d < _size; d++)
            {
                double z = (raw[start + d] - mean[d]) * _scale[d];
                destination[start + d] = (float)Math.Clamp(z, -Clip, Clip);
            }
        }
    }

    /// <summary>Saves the statistics to <paramref name="path"/> (atomically).</summary>
    public void Save(string path) => RunningStatsFile.Save(path, StatisticsKind, Statistics);

    /// <summary>Loads statistics saved by <see cref="Save"/>; the current observations keep their old normalization until the next Reset or Step.</summary>
    public void Load(string path)
    {
        RunningStatsFile.Load(path, StatisticsKind, Statistics);
        StatisticsChanged();
    }

    /// <summary>Recomputes cached scales after <see cref="Statistics"/> was changed from outside.</summary>
    public void StatisticsChanged() => RefreshScale();

    void RefreshScale()
    {
        var variance = Statistics.Variance;
        for (int d = 0; d < _size; d++) _scale[d] = 1.0 / Math.Sqrt(variance[d] + Epsilon);
    }

    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.Write(Epsilon);
        writer.Write((double)Clip);
        writer.Write(Training);
        Statistics.Write(writer);
        // The cached scales are saved as they are rather than recomputed, so they match even after a caller changed
        // the statistics without calling StatisticsChanged.
        writer.WriteArray<double>(_scale);
        writer.WriteArray<float>(_observations);
        writer.WriteArray<float>(_finalObservations);
    }

    protected override void LoadWrapperState(BinaryReader reader)
    {
        reader.ExpectDouble(Epsilon, "NormalizeObservation epsilon");
        reader.ExpectDouble(Clip, "NormalizeObservation clip");
        Training = reader.ReadFlag("NormalizeObservation training flag");
        Statistics.Read(reader, "NormalizeObservation statistics");
        reader.ReadArray<double>(_scale, "NormalizeObservation scales");
        reader.ReadArray<float>(_observations, "NormalizeObservation observations");
        reader.ReadArray<float>(_finalObservations, "NormalizeObservation final observations");
    }

    public override void Reset(ulong? seed = null)
    {
        Inner.Reset(seed);
        var raw = Inner.Observations;
        if (Training)
        {
            Statistics.Update(raw);
            RefreshScale();
        }
        Normalize(raw, _observations);
    }

    public override void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(actions);
        var raw = Inner.Observations;
        if (Training)
        {
            Statistics.Update(raw);
            RefreshScale();
        }
        Normalize(raw, _observations);
        var terminated = Inner.Terminated;
        var truncated = Inner.Truncated;
        var final = Inner.FinalObservations;
        for (int i = 0; i < terminated.Length; i++)
        {
            if (terminated[i] || truncated[i])
                Normalize(final.Slice(i * _size, _size), _finalObservations.AsSpan(i * _size, _size));
        }
    }

    public override void Truncate(int env)
    {
        if (!EpisodeTruncation.Forward(Inner, env)) return;
        // Same-step mode has just replaced the row with the next episode's first observation.
        var row = new Range(env * _size, (env + 1) * _size);
        Normalize(Inner.FinalObservations[row], _finalObservations.AsSpan(row));
        Normalize(Inner.Observations[row], _observations.AsSpan(row));
    }
}
