using Sim.Core.Trajectories;
using Sim.Rewards.Preferences;

namespace Sim.Rewards.Robot;

/// <summary>Cuts <see cref="Segment"/>s out of recorded <see cref="Trajectory"/> files, keeping their physics states.</summary>
public static class TrajectorySegments
{
    /// <summary>The segment length used by PEBBLE and B-Pref.</summary>
    public const int DefaultLength = 50;

    /// <summary>Copies steps <paramref name="start"/> .. <paramref name="start"/> + <paramref name="length"/> − 1 of
    /// <paramref name="trajectory"/> into a segment (observation row t is the one action t was taken from).</summary>
    /// <param name="trajectory">The recorded episode or part of one.</param>
    /// <param name="start">First step, relative to the trajectory.</param>
    /// <param name="length">Steps H.</param>
    /// <param name="source">Provenance, e.g. the file name.</param>
    public static Segment Cut(Trajectory trajectory, int start, int length, string source)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        ArgumentNullException.ThrowIfNull(source);
        if (length < 1)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"segment length is {length}: expected at least 1");
        if (start < 0 || start > trajectory.Steps - length)
            throw new ArgumentOutOfRangeException(nameof(start), start,
                $"segment start {start} with length {length} does not fit in the {trajectory.Steps}-step trajectory of env {trajectory.EnvIndex}, "
                + $"episode {trajectory.EpisodeIndex}: expected a start in [0, {trajectory.Steps - length}]");

        // Physics rows are T or T + 1, so rows start .. start + H - 1 always exist when there are any.
        var segment = Segment.CopyRows(source, trajectory.EnvId, trajectory.EpisodeIndex, trajectory.FirstStep, start, length,
            trajectory.ObservationSize, trajectory.ActionSize, trajectory.PhysicsStateSize,
            trajectory.Observations, trajectory.Actions, trajectory.Rewards, trajectory.PhysicsStates);
        // Captions are one per step, or none for an env that emits none.
        return trajectory.Captions.Length == 0 ? segment : segment.WithCaptions(trajectory.Captions[start..(start + length)]);
    }

    /// <summary>Every segment of <paramref name="length"/> steps whose start is a multiple of <paramref name="stride"/>
    /// (default: <paramref name="length"/>, i.e. back to back without overlap); a trajectory shorter than H gives none.</summary>
    public static IReadOnlyList<Segment> CutAll(Trajectory trajectory, string source, int length = DefaultLength, int? stride = null)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        int step = stride ?? length;
        if (length < 1)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"segment length is {length}: expected at least 1");
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), step, $"stride is {step}: expected at least 1");
        var segments = new List<Segment>();
        for (int start = 0; start + length <= trajectory.Steps; start += step)
            segments.Add(Cut(trajectory, start, length, source));
        return segments;
    }
}
