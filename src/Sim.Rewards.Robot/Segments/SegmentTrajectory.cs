using Sim.Core.Trajectories;
using Sim.Rewards.Preferences;

namespace Sim.Rewards.Robot;

/// <summary>Turns a stored <see cref="Segment"/> back into a <see cref="Trajectory"/> of its H frames, so that the viewer's
/// replay and clip renderer can show exactly what a labeler was asked about.</summary>
/// <remarks>
/// Frame k is the segment's observation row k and physics row k. A trajectory of T transitions has T + 1 observation
/// rows, so the H frames make a trajectory of H − 1 transitions whose physics rows include the final one: every reader
/// (<c>ClipRequest.Whole</c>, the replay scene) then sees exactly H frames, for MuJoCo envs (physics rows) and classic
/// control (observation rows) alike. The segment's last action and its reward lead to an observation the segment does
/// not hold, so they have no transition to sit in and are left out; the overlay's return at frame k only sums the
/// rewards before it, so no shown value changes. No end flags are set: a segment is a window, not an episode's end.
/// </remarks>
public static class SegmentTrajectory
{
    /// <summary>The H-frame trajectory of <paramref name="segment"/>.</summary>
    /// <param name="segment">The segment to convert.</param>
    /// <param name="requirePhysicsStates">True when the env is drawn from physics states (MuJoCo), so a segment without
    /// them cannot be rendered.</param>
    /// <param name="name">How to name the segment in errors, e.g. <c>pair 12, left segment</c>; null names it by its
    /// source, episode and steps.</param>
    /// <exception cref="ArgumentException">The segment has no physics states although they are required, or its arrays
    /// do not match its sizes.</exception>
    public static Trajectory From(Segment segment, bool requirePhysicsStates, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(segment);
        string what = name is null ? Describe(segment) : $"{name} ({Describe(segment)})";
        Check(segment, what);
        if (requirePhysicsStates && segment.PhysicsStateSize == 0)
            throw new ArgumentException(
                $"{what} has no physics states, but {segment.EnvId} is a MuJoCo env drawn from them: it cannot be rendered "
                + "(record segments with physics states to make clips of them)", nameof(segment));

        int h = segment.Length, steps = h - 1;
        if (segment.Episode > int.MaxValue)
            throw new ArgumentException($"{what}: episode {segment.Episode} does not fit a trajectory's episode index (at most {int.MaxValue})", nameof(segment));
        return new Trajectory
        {
            EnvId = segment.EnvId,
            EpisodeIndex = (int)segment.Episode,
            FirstStep = segment.StartStep,
            ObservationSize = segment.ObservationSize,
            ActionSize = segment.ActionSize,
            PhysicsStateSize = segment.PhysicsStateSize,
            HasFinalPhysicsState = segment.PhysicsStateSize > 0,
            Steps = steps,
            Observations = (float[])segment.Observations.Clone(),
            Actions = segment.Actions.AsSpan(0, steps * segment.ActionSize).ToArray(),
            Rewards = segment.TrueRewards.AsSpan(0, steps).ToArray(),
            Terminated = new bool[steps],
            Truncated = new bool[steps],
            PhysicsStates = (double[])segment.PhysicsStates.Clone(),
        };
    }

    /// <summary>The trajectories of both segments of <paramref name="pair"/>; errors name the pair and the side.</summary>
    /// <exception cref="ArgumentException">A segment has no physics states although they are required, or its arrays do
    /// not match its sizes.</exception>
    public static (Trajectory Left, Trajectory Right) From(PreferencePair<Segment> pair, bool requirePhysicsStates)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return (From(pair.Left, requirePhysicsStates, $"pair {pair.Id}, left segment"),
            From(pair.Right, requirePhysicsStates, $"pair {pair.Id}, right segment"));
    }

    static string Describe(Segment s) =>
        $"segment of {s.EnvId} from '{s.Source}', episode {s.Episode}, steps {s.StartStep}..{(long)s.StartStep + s.Length - 1}";

    static void Check(Segment segment, string what)
    {
        var s = segment;
        string? problem =
            string.IsNullOrEmpty(s.EnvId) ? "env id is empty, expected a registry id"
            : s.Length < 1 ? $"length is {s.Length}, expected at least 1 step"
            : s.StartStep < 0 ? $"start step is {s.StartStep}, expected >= 0"
            : s.Episode < 0 ? $"episode is {s.Episode}, expected >= 0"
            : s.ObservationSize < 1 ? $"observation size is {s.ObservationSize}, expected >= 1"
            : s.ActionSize < 0 ? $"action size is {s.ActionSize}, expected >= 0"
            : s.PhysicsStateSize < 0 ? $"physics state size is {s.PhysicsStateSize}, expected >= 0"
            : CheckLength("observations", s.Observations?.Length, (long)s.Length * s.ObservationSize, $"length {s.Length} × observation size {s.ObservationSize}")
              ?? CheckLength("actions", s.Actions?.Length, (long)s.Length * s.ActionSize, $"length {s.Length} × action size {s.ActionSize}")
              ?? CheckLength("true rewards", s.TrueRewards?.Length, s.Length, $"length {s.Length}")
              ?? CheckLength("physics states", s.PhysicsStates?.Length, (long)s.Length * s.PhysicsStateSize,
                  $"length {s.Length} × physics state size {s.PhysicsStateSize}");
        if (problem != null) throw new ArgumentException($"{what}: {problem}", nameof(segment));
    }

    static string? CheckLength(string field, int? actual, long expected, string formula) =>
        actual is null ? $"{field} are missing"
        : actual != expected ? $"{field} have {actual} values, expected {formula} = {expected}"
        : null;
}
