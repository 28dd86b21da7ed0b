namespace Sim.Core.Trajectories;

/// <summary>One recorded episode, or a segment of one, of a single sub-env, stored as flat row-major arrays.</summary>
/// <remarks>
/// With T = <see cref="Steps"/> transitions:
/// <list type="bullet">
/// <item><see cref="Observations"/> has T + 1 rows: row 0 is the observation the segment starts from (the reset
/// observation for a whole episode) and row t + 1 is the observation after action t, so the last row is the
/// final observation of an ended episode.</item>
/// <item><see cref="Actions"/>, <see cref="Rewards"/>, <see cref="RewardTerms"/>, <see cref="Terminated"/> and
/// <see cref="Truncated"/> have T rows; only the last step may carry an end flag.</item>
/// <item><see cref="PhysicsStates"/> row t is the physics state at observation row t (see <see cref="IPhysicsState"/>
/// for the layout). It has T + 1 rows when <see cref="HasFinalPhysicsState"/> and T rows otherwise, because an env
/// with same-step autoreset may have replaced the final state before it could be read.</item>
/// </list>
/// Arrays are exposed directly so that readers and learners can slice them without copying; treat them as read-only.
/// </remarks>
public sealed class Trajectory
{
    /// <summary>Registry id of the env that produced the trajectory, e.g. <c>HalfCheetah-v5</c>.</summary>
    public required string EnvId { get; init; }

    /// <summary>The env's keyword arguments (Gymnasium's names, key to text as given), which rebuild the same env together with
    /// <see cref="EnvId"/>: a model file, a frame skip or a render camera; empty for the env's defaults.</summary>
    public IReadOnlyDictionary<string, string> EnvArgs { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Index of the sub-env in its vector env.</summary>
    public int EnvIndex { get; init; }

    /// <summary>Seed of the sub-env's random stream (the vector env's reset seed + <see cref="EnvIndex"/>), or null if unseeded.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Episodes the sub-env started before this one since it was seeded (or since recording began).</summary>
    public int EpisodeIndex { get; init; }

    /// <summary>Index within its episode of this segment's first transition; 0 for a whole episode.</summary>
    public int FirstStep { get; init; }

    /// <summary>Floats per observation row.</summary>
    public required int ObservationSize { get; init; }

    /// <summary>Floats per action row.</summary>
    public required int ActionSize { get; init; }

    /// <summary>Names of the reward-term columns (info keys such as <c>reward_forward</c>), in column order.</summary>
    public string[] RewardTermNames { get; init; } = [];

    /// <summary>Doubles per physics state row; 0 when the env exposes no physics state.</summary>
    public int PhysicsStateSize { get; init; }

    /// <summary>Number of transitions T.</summary>
    public required int Steps { get; init; }

    /// <summary>Observations, <c>(T + 1) × ObservationSize</c>.</summary>
    public required float[] Observations { get; init; }

    /// <summary>Actions, <c>T × ActionSize</c>.</summary>
    public required float[] Actions { get; init; }

    /// <summary>Rewards, <c>T</c>.</summary>
    public required float[] Rewards { get; init; }

    /// <summary>Reward terms, <c>T × RewardTermNames.Length</c>.</summary>
    public float[] RewardTerms { get; init; } = [];

    /// <summary>Terminal flags, <c>T</c>; only the last may be set.</summary>
    public required bool[] Terminated { get; init; }

    /// <summary>Truncation flags, <c>T</c>; only the last may be set.</summary>
    public required bool[] Truncated { get; init; }

    /// <summary>Physics states, <c>PhysicsStateRows × PhysicsStateSize</c>.</summary>
    public double[] PhysicsStates { get; init; } = [];

    /// <summary>The event caption of each step (<see cref="StepCaptions"/>; the empty string for a step without one),
    /// <c>T</c>; empty when the env emits no captions (and in files written before captions existed).</summary>
    public string[] Captions { get; init; } = [];

    /// <summary>Whether <see cref="PhysicsStates"/> includes the state at the last observation.</summary>
    public bool HasFinalPhysicsState { get; init; }

    /// <summary>Rows of <see cref="PhysicsStates"/>: T + 1 with the final state, T without, 0 without physics.</summary>
    public int PhysicsStateRows => PhysicsStateSize == 0 ? 0 : Steps + (HasFinalPhysicsState ? 1 : 0);

    /// <summary>Whether the episode ended in a terminal state on the last step.</summary>
    public bool IsTerminated => Steps > 0 && Terminated[Steps - 1];

    /// <summary>Whether the episode was truncated on the last step.</summary>
    public bool IsTruncated => Steps > 0 && Truncated[Steps - 1];

    /// <summary>Whether the trajectory runs to the end of its episode (rather than being cut off as a segment).</summary>
    public bool IsComplete => IsTerminated || IsTruncated;

    /// <summary>Undiscounted sum of the rewards, accumulated in double precision in step order.</summary>
    public double Return
    {
        get
        {
            double sum = 0;
            foreach (float r in Rewards) sum += r;
            return sum;
        }
    }

    /// <summary>Observation row <paramref name="row"/> (0..T).</summary>
    public ReadOnlySpan<float> Observation(int row) => Row(Observations, row, Steps + 1, ObservationSize, "observation");

    /// <summary>Action row <paramref name="step"/> (0..T-1).</summary>
    public ReadOnlySpan<float> Action(int step) => Row(Actions, step, Steps, ActionSize, "action");

    /// <summary>Reward terms of step <paramref name="step"/>, in <see cref="RewardTermNames"/> order.</summary>
    public ReadOnlySpan<float> RewardTermRow(int step) => Row(RewardTerms, step, Steps, RewardTermNames.Length, "reward term");

    /// <summary>Physics state row <paramref name="row"/> (the state at observation row <paramref name="row"/>).</summary>
    public ReadOnlySpan<double> PhysicsState(int row) => Row(PhysicsStates, row, PhysicsStateRows, PhysicsStateSize, "physics state");

    static ReadOnlySpan<T> Row<T>(T[] data, int row, int rows, int size, string what)
    {
        if ((uint)row >= (uint)rows)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"{what} row {row} does not exist: expected a row in [0, {rows - 1}]");
        return data.AsSpan(row * size, size);
    }

    /// <summary>Describes the first way in which the sizes and arrays disagree, or returns null when they are consistent.</summary>
    internal string? FindInconsistency()
    {
        if (string.IsNullOrEmpty(EnvId)) return "env id is empty";
        if (EnvIndex < 0) return $"env index is {EnvIndex}, expected >= 0";
        if (EpisodeIndex < 0) return $"episode index is {EpisodeIndex}, expected >= 0";
        if (FirstStep < 0) return $"first step is {FirstStep}, expected >= 0";
        if (ObservationSize < 1) return $"observation size is {ObservationSize}, expected >= 1";
        if (ActionSize < 0) return $"action size is {ActionSize}, expected >= 0";
        if (PhysicsStateSize < 0) return $"physics state size is {PhysicsStateSize}, expected >= 0";
        if (Steps < 0) return $"steps is {Steps}, expected >= 0";
        if (RewardTermNames is null) return "reward term names are missing";
        for (int i = 0; i < RewardTermNames.Length; i++)
            if (RewardTermNames[i] is null) return $"reward term name {i} is null";
        if (HasFinalPhysicsState && PhysicsStateSize == 0) return "has a final physics state but the physics state size is 0";

        long steps = Steps;
        return CheckLength("observations", Observations?.Length, (steps + 1) * ObservationSize, $"(steps {Steps} + 1) × observation size {ObservationSize}")
            ?? CheckLength("actions", Actions?.Length, steps * ActionSize, $"steps {Steps} × action size {ActionSize}")
            ?? CheckLength("rewards", Rewards?.Length, steps, $"steps {Steps}")
            ?? CheckLength("reward terms", RewardTerms?.Length, steps * RewardTermNames.Length, $"steps {Steps} × {RewardTermNames.Length} terms")
            ?? CheckLength("terminated", Terminated?.Length, steps, $"steps {Steps}")
            ?? CheckLength("truncated", Truncated?.Length, steps, $"steps {Steps}")
            ?? (Captions is { Length: 0 } ? null : CheckLength("captions", Captions?.Length, steps, $"steps {Steps} (or none)"))
            ?? CheckCaptions()
            ?? CheckLength("physics states", PhysicsStates?.Length, (long)PhysicsStateRows * PhysicsStateSize,
                $"{PhysicsStateRows} rows (steps {Steps}{(HasFinalPhysicsState ? " + final" : "")}) × physics state size {PhysicsStateSize}")
            ?? CheckEndFlags();
    }

    static string? CheckLength(string field, int? actual, long expected, string formula) =>
        actual is null ? $"{field} is missing"
        : actual != expected ? $"{field} has {actual} values, expected {formula} = {expected}"
        : null;

    string? CheckCaptions()
    {
        for (int t = 0; t < Captions.Length; t++)
            if (Captions[t] is null) return $"caption {t} is null: a step without a caption has the empty string";
        return null;
    }

    string? CheckEndFlags()
    {
        for (int t = 0; t < Steps - 1; t++)
        {
            if (Terminated[t] || Truncated[t])
                return $"step {t} of {Steps} is marked {(Terminated[t] ? "terminated" : "truncated")}: only the last step may end the episode";
        }
        return null;
    }
}
