namespace Sim.Core.Wrappers;

/// <summary>Base of wrappers whose reward is computed from transitions (obs, action, next obs), e.g. by a learned reward model.</summary>
/// <remarks>
/// The wrapper keeps a copy of the observations before each step and of the actions, and hands whole
/// batches to <see cref="ComputeRewards"/> so a model can score every env in one call. For a transition
/// that ended an episode the next observation is the <see cref="IVectorEnv.FinalObservations"/> row, not
/// the first observation of the next episode. A next-step reset step is no transition: its learned and
/// returned rewards are 0 whatever the model wrote. The env's own reward stays visible in the info column
/// <see cref="EnvRewardKey"/>, and the unweighted learned reward in <see cref="LearnedRewardKey"/>.
/// Neither is a term of the env reward, so they do not carry the <c>reward_</c> prefix: summing the
/// reward terms still gives the env's reward.
/// </remarks>
public abstract class RewardWrapper : VectorEnvWrapper
{
    /// <summary>Info column with the inner env's reward (the true reward when the learned one replaces it).</summary>
    public const string EnvRewardKey = "env_reward";

    /// <summary>Info column with the learned reward before weighting.</summary>
    public const string LearnedRewardKey = "learned_reward";

    readonly int _observationSize;
    readonly int _actionSize;
    readonly float[] _observations;
    readonly float[] _actions;
    readonly float[] _nextObservations;
    readonly float[] _learned;
    readonly float[] _rewards;
    readonly float[] _envColumn;
    readonly float[] _learnedColumn;

    /// <summary>Wraps <paramref name="inner"/>, combining rewards by <paramref name="mode"/> with <paramref name="weight"/> on the learned reward.</summary>
    protected RewardWrapper(IVectorEnv inner, RewardMode mode = RewardMode.Replace, float weight = 1f) : base(inner)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "expected Replace or Add");
        if (!float.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "expected a finite weight");
        Mode = mode;
        Weight = weight;
        _observationSize = inner.SingleObservationSpace.FlatSize;
        _actionSize = inner.SingleActionSpace.FlatSize;
        _observations = new float[inner.NumEnvs * _observationSize];
        _actions = new float[inner.NumEnvs * _actionSize];
        _nextObservations = new float[inner.NumEnvs * _observationSize];
        _learned = new float[inner.NumEnvs];
        _rewards = new float[inner.NumEnvs];
        _envColumn = inner.Infos.AddValue(EnvRewardKey);
        _learnedColumn = inner.Infos.AddValue(LearnedRewardKey);
    }

    /// <summary>How the learned reward is combined with the env's.</summary>
    public RewardMode Mode { get; }

    /// <summary>Factor on the learned reward.</summary>
    public float Weight { get; }

    public override ReadOnlySpan<float> Rewards => _rewards;

    /// <summary>Scores a batch of transitions: row i of each span belongs to env i
    /// (<paramref name="observations"/> and <paramref name="nextObservations"/> are <c>[NumEnvs × obs size]</c>,
    /// <paramref name="actions"/> <c>[NumEnvs × action size]</c>); writes one reward per env into <paramref name="rewards"/>.</summary>
    /// <remarks>Called once per step from the stepping thread; it must not keep the spans.</remarks>
    protected abstract void ComputeRewards(
        ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> nextObservations, Span<float> rewards);

    /// <summary>Writes the previous observations, the last actions and rewards; a subclass whose reward has state of its
    /// own (a model, running statistics) overrides this, calls the base and writes that state after.</summary>
    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.Write((int)Mode);
        writer.Write((double)Weight);
        writer.WriteArray<float>(_observations);
        writer.WriteArray<float>(_actions);
        writer.WriteArray<float>(_nextObservations);
        writer.WriteArray<float>(_learned);
        writer.WriteArray<float>(_rewards);
    }

    /// <summary>Reads what <see cref="SaveWrapperState"/> wrote.</summary>
    protected override void LoadWrapperState(BinaryReader reader)
    {
        reader.ExpectInt32((int)Mode, $"{GetType().Name} reward mode ({(int)RewardMode.Replace} = Replace, {(int)RewardMode.Add} = Add)");
        reader.ExpectDouble(Weight, $"{GetType().Name} weight");
        reader.ReadArray<float>(_observations, $"{GetType().Name} previous observations");
        reader.ReadArray<float>(_actions, $"{GetType().Name} actions");
        reader.ReadArray<float>(_nextObservations, $"{GetType().Name} next observations");
        reader.ReadArray<float>(_learned, $"{GetType().Name} learned rewards");
        reader.ReadArray<float>(_rewards, $"{GetType().Name} rewards");
    }

    public override void Reset(ulong? seed = null)
    {
        Inner.Reset(seed);
        Inner.Observations.CopyTo(_observations);
        Array.Clear(_rewards);
        Array.Clear(_envColumn);
        Array.Clear(_learnedColumn);
    }

    public override void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(actions);
        actions.CopyTo(_actions);
        var next = Inner.Observations;
        var final = Inner.FinalObservations;
        var terminated = Inner.Terminated;
        var truncated = Inner.Truncated;
        for (int i = 0; i < _rewards.Length; i++)
        {
            var row = new Range(i * _observationSize, (i + 1) * _observationSize);
            (terminated[i] || truncated[i] ? final : next)[row].CopyTo(_nextObservations.AsSpan(row));
        }
        ComputeRewards(_observations, _actions, _nextObservations, _learned);

        var envRewards = Inner.Rewards;
        var started = Inner.EpisodeStarted;
        for (int i = 0; i < _rewards.Length; i++)
        {
            bool transition = !started[i] || terminated[i] || truncated[i];
            float learned = transition ? _learned[i] : 0f;
            _envColumn[i] = envRewards[i];
            _learnedColumn[i] = learned;
            _rewards[i] = Mode == RewardMode.Replace ? Weight * learned : envRewards[i] + Weight * learned;
        }
        next.CopyTo(_observations);
    }

    public override void Truncate(int env)
    {
        // The transition's next observation is unchanged (the final row is the row that was returned),
        // but same-step mode has just started a new episode whose first observation the next step starts from.
        if (EpisodeTruncation.Forward(Inner, env))
            Inner.Observations.Slice(env * _observationSize, _observationSize).CopyTo(_observations.AsSpan(env * _observationSize));
    }
}
