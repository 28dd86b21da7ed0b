namespace Sim.Rewards.Robot;

/// <summary>Sizes of an <see cref="EpisodeHistory"/>; everything is allocated from these up front.</summary>
public sealed record EpisodeHistoryOptions
{
    /// <summary>Registry id of the env, written into every segment.</summary>
    public required string EnvId { get; init; }

    /// <summary>Provenance written into every segment.</summary>
    public string Source { get; init; } = "replay";

    /// <summary>Sub-envs of the vector env that feeds the history.</summary>
    public required int NumEnvs { get; init; }

    /// <summary>Floats per observation.</summary>
    public required int ObservationSize { get; init; }

    /// <summary>Floats per action.</summary>
    public required int ActionSize { get; init; }

    /// <summary>Doubles per physics state (see <see cref="Sim.Core.IPhysicsState"/>); 0 to keep none.</summary>
    public int PhysicsStateSize { get; init; }

    /// <summary>Completed episodes kept (PEBBLE: the last 100).</summary>
    public int MaxEpisodes { get; init; } = 100;

    /// <summary>Steps stored per episode; a longer episode is stored as consecutive chunks of this many steps, and no
    /// segment crosses a chunk boundary. Set it to the env's time limit.</summary>
    public int MaxEpisodeSteps { get; init; } = 1000;

    /// <summary>Steps H per sampled segment.</summary>
    public int SegmentLength { get; init; } = TrajectorySegments.DefaultLength;

    internal void Validate()
    {
        if (string.IsNullOrEmpty(EnvId)) throw new ArgumentException("env id is empty: expected a registry id such as Walker2d-v5", nameof(EnvId));
        ArgumentNullException.ThrowIfNull(Source);
        Positive(NumEnvs, nameof(NumEnvs));
        Positive(ObservationSize, nameof(ObservationSize));
        if (ActionSize < 0) throw new ArgumentOutOfRangeException(nameof(ActionSize), ActionSize, $"{nameof(ActionSize)} is {ActionSize}: expected >= 0");
        if (PhysicsStateSize < 0)
            throw new ArgumentOutOfRangeException(nameof(PhysicsStateSize), PhysicsStateSize, $"{nameof(PhysicsStateSize)} is {PhysicsStateSize}: expected >= 0");
        Positive(MaxEpisodes, nameof(MaxEpisodes));
        Positive(MaxEpisodeSteps, nameof(MaxEpisodeSteps));
        Positive(SegmentLength, nameof(SegmentLength));
        if (SegmentLength > MaxEpisodeSteps)
            throw new ArgumentOutOfRangeException(nameof(SegmentLength), SegmentLength,
                $"{nameof(SegmentLength)} {SegmentLength} exceeds {nameof(MaxEpisodeSteps)} {MaxEpisodeSteps}: no stored episode could hold a segment");
        long floats = (long)(MaxEpisodes + NumEnvs) * MaxEpisodeSteps * Math.Max(ObservationSize, Math.Max(ActionSize, PhysicsStateSize));
        if ((long)(MaxEpisodes + NumEnvs) * MaxEpisodeSteps > int.MaxValue || floats > (long)int.MaxValue * 64)
            throw new ArgumentOutOfRangeException(nameof(MaxEpisodes), MaxEpisodes,
                $"({nameof(MaxEpisodes)} {MaxEpisodes} + {nameof(NumEnvs)} {NumEnvs}) × {nameof(MaxEpisodeSteps)} {MaxEpisodeSteps} steps is too large to preallocate");
    }

    static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}: expected at least 1");
    }
}
