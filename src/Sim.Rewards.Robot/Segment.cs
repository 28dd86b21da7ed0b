namespace Sim.Rewards.Robot;

/// <summary>H consecutive steps of one sub-env's episode, as a reward model and a teacher see them, with the physics
/// states needed to render the segment again.</summary>
/// <remarks>
/// Rows are flat and row-major: <see cref="Observations"/> row t is the observation the action in <see cref="Actions"/>
/// row t was taken from, and <see cref="TrueRewards"/>[t] is the env's reward for that step (hidden from the reward
/// learner; scripted teachers use it). <see cref="PhysicsStates"/> row t is the physics state at observation row t, or
/// empty when the source had none.
/// </remarks>
public sealed class Segment
{
    /// <summary>Where the segment came from, e.g. a trajectory file name or <c>replay</c>; used in provenance and clip names.</summary>
    public required string Source { get; init; }

    /// <summary>Registry id of the env, e.g. <c>Walker2d-v1</c>.</summary>
    public required string EnvId { get; init; }

    /// <summary>Episode the segment was cut from, counted by its source.</summary>
    public long Episode { get; init; }

    /// <summary>Index within its episode of the segment's first step.</summary>
    public int StartStep { get; init; }

    /// <summary>Number of steps H.</summary>
    public required int Length { get; init; }

    /// <summary>Floats per observation row.</summary>
    public required int ObservationSize { get; init; }

    /// <summary>Floats per action row.</summary>
    public required int ActionSize { get; init; }

    /// <summary>Observations, <c>H × ObservationSize</c>.</summary>
    public required float[] Observations { get; init; }

    /// <summary>Actions, <c>H × ActionSize</c>.</summary>
    public required float[] Actions { get; init; }

    /// <summary>The env's reward per step, <c>H</c>.</summary>
    public required float[] TrueRewards { get; init; }

    /// <summary>Doubles per physics-state row; 0 when there are none.</summary>
    public int PhysicsStateSize { get; init; }

    /// <summary>Physics states, <c>H × PhysicsStateSize</c>, or empty.</summary>
    public double[] PhysicsStates { get; init; } = [];

    /// <summary>The event caption of each step (the empty string for a step without one), <c>H</c>; empty when the env
    /// emits no captions. Read by teachers (an LLM) and shown under labeling clips; the label store keeps them.</summary>
    public string[] Captions { get; init; } = [];

    /// <summary>Copies rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="length"/> − 1 of an
    /// episode's row-major arrays into a segment; with <paramref name="physicsStateSize"/> 0 it keeps no physics states.</summary>
    /// <param name="episodeStep">Index within its episode of row 0 of the arrays.</param>
    public static Segment CopyRows(string source, string envId, long episode, int episodeStep, int start, int length,
        int observationSize, int actionSize, int physicsStateSize,
        ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> rewards, ReadOnlySpan<double> physicsStates) => new()
    {
        Source = source,
        EnvId = envId,
        Episode = episode,
        StartStep = episodeStep + start,
        Length = length,
        ObservationSize = observationSize,
        ActionSize = actionSize,
        Observations = observations.Slice(start * observationSize, length * observationSize).ToArray(),
        Actions = actions.Slice(start * actionSize, length * actionSize).ToArray(),
        TrueRewards = rewards.Slice(start, length).ToArray(),
        PhysicsStateSize = physicsStateSize,
        PhysicsStates = physicsStateSize == 0 ? [] : physicsStates.Slice(start * physicsStateSize, length * physicsStateSize).ToArray(),
    };

    /// <summary>This segment with <paramref name="captions"/> (one per step) as its <see cref="Captions"/>.</summary>
    public Segment WithCaptions(string[] captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        if (captions.Length != Length) throw new ArgumentException($"{captions.Length} captions for a {Length}-step segment: expected one per step", nameof(captions));
        return new Segment
        {
            Source = Source, EnvId = EnvId, Episode = Episode, StartStep = StartStep, Length = Length, ObservationSize = ObservationSize,
            ActionSize = ActionSize, Observations = Observations, Actions = Actions, TrueRewards = TrueRewards,
            PhysicsStateSize = PhysicsStateSize, PhysicsStates = PhysicsStates, Captions = captions,
        };
    }

    /// <summary>Sum of the true rewards (the undiscounted segment return).</summary>
    public double TrueReturn
    {
        get
        {
            double sum = 0;
            foreach (float r in TrueRewards) sum += r;
            return sum;
        }
    }

    /// <summary>Observation row <paramref name="step"/>.</summary>
    public ReadOnlySpan<float> Observation(int step) => Observations.AsSpan(step * ObservationSize, ObservationSize);

    /// <summary>Action row <paramref name="step"/>.</summary>
    public ReadOnlySpan<float> Action(int step) => Actions.AsSpan(step * ActionSize, ActionSize);
}
