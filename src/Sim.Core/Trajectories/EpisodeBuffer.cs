namespace Sim.Core.Trajectories;

/// <summary>The growing record of one sub-env's current episode (or segment); its buffers are reused from one episode to the next.</summary>
internal sealed class EpisodeBuffer
{
    public readonly GrowableBuffer<float> Observations = new();
    public readonly GrowableBuffer<float> Actions = new();
    public readonly GrowableBuffer<float> Rewards = new();
    public readonly GrowableBuffer<float> RewardTerms = new();
    public readonly GrowableBuffer<bool> Terminated = new();
    public readonly GrowableBuffer<bool> Truncated = new();
    public readonly GrowableBuffer<double> PhysicsStates = new();
    public readonly GrowableBuffer<int> CaptionCodes = new();

    /// <summary>Whether an episode is being recorded (false between an episode's end and the next reset).</summary>
    public bool InProgress { get; private set; }

    /// <summary>Index within the episode of this segment's first transition.</summary>
    public int FirstStep { get; private set; }

    /// <summary>Index of the episode within its env's seeded stream.</summary>
    public int EpisodeIndex { get; private set; }

    /// <summary>Transitions recorded so far.</summary>
    public int Steps => Rewards.Count;

    /// <summary>Forgets what was recorded and starts a segment; the caller then appends the first observation and state.</summary>
    public void Begin(int episodeIndex, int firstStep)
    {
        Observations.Clear();
        Actions.Clear();
        Rewards.Clear();
        RewardTerms.Clear();
        Terminated.Clear();
        Truncated.Clear();
        PhysicsStates.Clear();
        CaptionCodes.Clear();
        EpisodeIndex = episodeIndex;
        FirstStep = firstStep;
        InProgress = true;
    }

    /// <summary>Stops recording until the next <see cref="Begin"/>.</summary>
    public void End() => InProgress = false;

    /// <summary>Copies what was recorded into an exact-size <see cref="Trajectory"/>.</summary>
    public Trajectory ToTrajectory(string envId, int envIndex, ulong? seed, int observationSize, int actionSize,
        string[] rewardTermNames, int physicsStateSize, StepCaptions? captions, IReadOnlyDictionary<string, string> envArgs)
    {
        int steps = Steps;
        var captionTexts = captions is null ? [] : new string[steps];
        for (int t = 0; t < captionTexts.Length; t++) captionTexts[t] = captions!.TextOf(CaptionCodes.Items[t]);
        return new Trajectory
        {
            EnvId = envId,
            EnvArgs = envArgs,
            EnvIndex = envIndex,
            Seed = seed,
            EpisodeIndex = EpisodeIndex,
            FirstStep = FirstStep,
            ObservationSize = observationSize,
            ActionSize = actionSize,
            RewardTermNames = (string[])rewardTermNames.Clone(),
            PhysicsStateSize = physicsStateSize,
            Steps = steps,
            Observations = Observations.ToArray(),
            Actions = Actions.ToArray(),
            Rewards = Rewards.ToArray(),
            RewardTerms = RewardTerms.ToArray(),
            Terminated = Terminated.ToArray(),
            Truncated = Truncated.ToArray(),
            PhysicsStates = PhysicsStates.ToArray(),
            Captions = captionTexts,
            HasFinalPhysicsState = physicsStateSize > 0 && PhysicsStates.Count == (steps + 1) * physicsStateSize,
        };
    }
}
