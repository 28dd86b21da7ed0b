using System.Globalization;
using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Foundation;
using Sim.Learning.Replay;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Progress;

namespace Sim.Learning.Progress;

/// <summary>Stepwise progress attribution (SPA-RL) as a reward learner: a <see cref="ProgressEstimator"/> trained on the
/// run's completed episodes so that each episode's contributions c_t add up to its outcome, and the reward
/// r_t = c_t + g_t (plus the env's own reward unless <see cref="SpaOptions.KeepEnvReward"/> is off) paid through
/// <see cref="SpaRewardWrapper"/>.</summary>
/// <remarks>
/// <para>Every <see cref="SpaOptions.UpdateEvery"/> env steps from the first update step on, the estimator trains
/// <see cref="SpaOptions.EpochsPerUpdate"/> passes over the kept episodes (with <see cref="SpaOptions.SampledSteps"/> set,
/// each pass over fresh random subsets of them, <see cref="RandomStepSubsets"/>), and the learner logs <c>spa/estimator_loss</c>
/// (the mean squared error of the sums), <c>spa/sum_error</c> (mean |Σc − outcome| over the kept episodes after the
/// update), <c>spa/episodes</c>, <c>spa/outcome_mean</c>, <c>spa/grounding_rate</c> (share of steps whose g_t fired)
/// and, where the env has a dense reward, <c>spa/corr_dense</c>: Pearson's correlation of the c_t paid since the last
/// update with the dense reward of the same steps (−distance to the goal on goal envs; the undelayed step reward under
/// <c>--delayed-reward</c>). Until the first update c_t is 0.</para>
/// <para>The estimator's weights, its optimizer, its sampling streams, the episodes (kept and in progress) and the
/// correlation sums are checkpoint parts, so a resumed run continues exactly.</para>
/// </remarks>
public sealed class SpaRewardLearner : IRewardLearner
{
    const int StateVersion = 1;
    const string MemberPartPrefix = "spa_member_";
    const string OptimizerPartPrefix = "spa_optimizer_";
    const string StatePart = "spa_state";

    readonly SpaOptions _options;
    readonly int _obs, _act;
    readonly long _firstUpdate;
    readonly ulong _subsetSeed;
    readonly IGoalEnv? _goal;
    readonly int _achievedOffset, _desiredOffset;
    readonly TransitionRewardFunction? _goalReward;
    readonly RunningCorrelation _correlation = new();
    float[] _contributions = [];
    float[] _shaped = [];
    SpaRewardWrapper? _wrapper;
    long _lastUpdate = long.MinValue;
    bool _trained;
    long _groundedSteps, _scoredSteps;

    /// <summary>A learner for <paramref name="numEnvs"/> envs of <paramref name="envId"/>.</summary>
    /// <param name="options">The run's SPA settings.</param>
    /// <param name="envId">The env, for the episodes' labels.</param>
    /// <param name="numEnvs">Envs stepped together.</param>
    /// <param name="observationSize">Floats per observation row.</param>
    /// <param name="actionSize">Floats per action row.</param>
    /// <param name="goal">The goal env beneath the chain, whose achieved goal grounds g_t and whose distance is the dense
    /// reward; null on other envs (g_t = 0).</param>
    /// <param name="seed">The run's seed; the estimator draws from its stream <c>spa-estimator</c>.</param>
    /// <param name="firstUpdateStep">The env step from which the estimator may update.</param>
    public SpaRewardLearner(SpaOptions options, string envId, int numEnvs, int observationSize, int actionSize, IGoalEnv? goal, ulong seed, long firstUpdateStep)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FindProblem() is { } problem) throw new ArgumentException(problem, nameof(options));
        _options = options;
        _obs = observationSize;
        _act = actionSize;
        _firstUpdate = firstUpdateStep;
        _goal = goal;
        if (goal is not null)
        {
            var space = goal.SingleDictObservationSpace;
            if (space.FlatSize != observationSize)
                throw new ArgumentException($"the goal env's rows have {space.FlatSize} floats but the chain's have {observationSize}: SPA needs the goal env's rows as they are", nameof(goal));
            _achievedOffset = space.Range(IGoalEnv.AchievedGoalKey).Offset;
            _desiredOffset = space.Range(IGoalEnv.DesiredGoalKey).Offset;
            Grounding = GoalGrounding.Of(goal, options.GroundingEpsilon, options.GroundingWeight);
            _goalReward = HindsightReplay.GoalReward(goal);
        }
        Estimator = new ProgressEstimator(
            new StepEncoderConfig(observationSize, actionSize, options.HiddenSize, options.HiddenLayers, TanhOutput: false),
            new EnsembleConfig
            {
                Members = 1,
                LearningRate = options.LearningRate,
                BatchSize = options.BatchSize,
                // With random subsets each pass draws its own, so the ensemble makes one pass over all of them.
                MaxEpochs = options.SampledSteps > 0 ? 1 : options.EpochsPerUpdate,
                StopAtAccuracy = null,
                Seed = SeedDerivation.Derive(seed, "spa-estimator"),
            });
        _subsetSeed = SeedDerivation.Derive(seed, "spa-subsets");
        Episodes = new ProgressEpisodeStore(envId, numEnvs, observationSize, actionSize, options.MaxEpisodes);
    }

    /// <summary>The progress estimator.</summary>
    public ProgressEstimator Estimator { get; }

    /// <summary>The episodes the estimator learns from.</summary>
    public ProgressEpisodeStore Episodes { get; }

    /// <summary>The grounding signal, on goal envs; null elsewhere (g_t = 0).</summary>
    public GoalGrounding? Grounding { get; }

    /// <summary>Whether the estimator has been trained at least once (before, c_t = 0).</summary>
    public bool Trained => _trained;

    /// <inheritdoc/>
    public IVectorEnv WrapEnv(IVectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (_wrapper is not null) throw new InvalidOperationException("the SPA stage is already in an env chain: a learner wraps one chain");
        if (_options.Outcome == SpaOutcome.Success && !env.Infos.TryGetFlag(IGoalEnv.SuccessFlag, out _))
            throw new ArgumentException($"the env sets no {IGoalEnv.SuccessFlag} flag: SPA's success outcome needs one (or --delayed-reward)", nameof(env));
        return _wrapper = new SpaRewardWrapper(env, this, _options.KeepEnvReward ? RewardMode.Add : RewardMode.Replace);
    }

    /// <summary>c_t + g_t of a batch of transitions (row i of each span), written to <paramref name="rewards"/>.</summary>
    public void Reward(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> nextObservations, Span<float> rewards)
    {
        if (_trained) Estimator.StepContributions(observations, actions, rewards);
        else rewards.Clear();
        Grounding?.AddTo(observations, nextObservations, rewards);
    }

    /// <inheritdoc/>
    /// <remarks>What the stage pays, as a stored transition's reward: c_t + g_t, plus the env's reward recomputed from the
    /// goals when it is kept (which is why keeping it needs a goal env when the replay buffer is relabelled).</remarks>
    public TransitionRewardFunction RewardFunction => (observations, actions, next, rewards) =>
    {
        if (!_options.KeepEnvReward)
        {
            Reward(observations, actions, next, rewards);
            return;
        }
        if (_goalReward is null)
            throw new NotSupportedException("SPA keeps the env's reward, which only a goal env can recompute for stored transitions: use --spa-env-reward drop, or --algo ppo");
        // One scratch row per batch size: relabelling calls this for every SAC batch.
        if (_shaped.Length != rewards.Length) _shaped = new float[rewards.Length];
        Reward(observations, actions, next, _shaped);
        _goalReward(observations, actions, next, rewards);
        for (int i = 0; i < rewards.Length; i++) rewards[i] += _shaped[i];
    };

    /// <inheritdoc/>
    /// <remarks>The stored reward's own function: c_t of the relabelled observation, g_t, and the env's goal reward of the
    /// relabelled goal when the env's reward is kept.</remarks>
    public TransitionRewardFunction? HindsightReward => RewardFunction;

    /// <summary>The stage's step: pays c_t + g_t into <paramref name="rewards"/> and keeps each transition of
    /// <paramref name="inner"/> (the env beneath the stage, already stepped) for the estimator, ending episodes with their outcome.</summary>
    internal void ScoreAndRecord(IVectorEnv inner, ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> nextObservations, Span<float> rewards)
    {
        int n = rewards.Length;
        if (_contributions.Length != n) _contributions = new float[n];
        if (_trained) Estimator.StepContributions(observations, actions, _contributions);
        else Array.Clear(_contributions);
        _contributions.CopyTo(rewards);
        if (Grounding is not null) _groundedSteps += Grounding.AddTo(observations, nextObservations, rewards);

        var terminated = inner.Terminated;
        var truncated = inner.Truncated;
        var started = inner.EpisodeStarted;
        var envRewards = inner.Rewards;
        inner.Infos.TryGetFlag(IGoalEnv.SuccessFlag, out var success);
        var episodic = (inner as VectorEnvWrapper)?.Find<EpisodicReward>();
        var undelayed = episodic is null ? default : episodic.Inner.Rewards;
        for (int i = 0; i < n; i++)
        {
            bool ended = terminated[i] || truncated[i];
            if (started[i] && !ended) continue;
            _scoredSteps++;
            float dense = DenseReward(i, nextObservations, undelayed);
            if (_trained && float.IsFinite(dense)) _correlation.Add(_contributions[i], dense);
            float? outcome = !ended ? null
                : _options.Outcome == SpaOutcome.DelayedReturn ? envRewards[i]
                : success is not null && success[i] ? 1f : 0f;
            Episodes.AddStep(i, observations.Slice(i * _obs, _obs), actions.Slice(i * _act, _act), dense, outcome);
        }
    }

    // −distance between the achieved and desired goal after the step on a goal env; the inner reward under the episodic
    // wrapper; NaN where the env has no dense reward.
    float DenseReward(int env, ReadOnlySpan<float> nextObservations, ReadOnlySpan<float> undelayed)
    {
        if (_goal is not null)
        {
            int goalSize = _goal.GoalSize;
            var achieved = nextObservations.Slice(env * _obs + _achievedOffset, goalSize);
            var desired = nextObservations.Slice(env * _obs + _desiredOffset, goalSize);
            double squared = 0;
            for (int k = 0; k < goalSize; k++) squared += (achieved[k] - desired[k]) * (double)(achieved[k] - desired[k]);
            return (float)-Math.Sqrt(squared);
        }
        return undelayed.IsEmpty ? float.NaN : undelayed[env];
    }

    /// <inheritdoc/>
    public bool TryUpdate(long envStep, IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (envStep < _firstUpdate || Episodes.Count == 0) return false;
        if (_lastUpdate != long.MinValue && envStep - _lastUpdate < _options.UpdateEvery) return false;
        _lastUpdate = envStep;
        var episodes = Episodes.Episodes;
        var segments = episodes.Select(e => e.Steps).ToArray();
        var outcomes = episodes.Select(e => e.Outcome).ToArray();
        var report = _options.SampledSteps == 0 ? Estimator.Train(segments, outcomes) : TrainOnSubsets(segments, outcomes, envStep);
        _trained = true;
        double sumError = 0;
        for (int e = 0; e < segments.Length; e++) sumError += Math.Abs(Estimator.Contributions(segments[e]).Sum() - outcomes[e]);
        metrics.Log("spa/estimator_loss", report.Loss, envStep);
        metrics.Log("spa/sum_error", sumError / segments.Length, envStep);
        metrics.Log("spa/episodes", Episodes.Completed, envStep);
        metrics.Log("spa/outcome_mean", outcomes.Average(), envStep);
        if (_scoredSteps > 0) metrics.Log("spa/grounding_rate", (double)_groundedSteps / _scoredSteps, envStep);
        _groundedSteps = _scoredSteps = 0;
        double correlation = _correlation.Take();
        if (!double.IsNaN(correlation)) metrics.Log("spa/corr_dense", correlation, envStep);
        return true;
    }

    // One pass over EpochsPerUpdate fresh subsets of every episode, drawn from a stream of the update's step, so a resumed
    // run draws what the uninterrupted one does.
    RewardTrainingReport TrainOnSubsets(Segment[] episodes, float[] outcomes, long envStep)
    {
        var (items, targets) = RandomStepSubsets.Draw(episodes, outcomes, _options.SampledSteps, _options.EpochsPerUpdate,
            SeedDerivation.Derive(_subsetSeed, (ulong)envStep));
        return Estimator.Train(items, targets);
    }

    /// <inheritdoc/>
    public string Describe()
    {
        string outcome = _options.Outcome == SpaOutcome.Success ? "success" : "delayed return";
        string grounding = Grounding is null ? "no grounding"
            : string.Create(CultureInfo.InvariantCulture, $"grounding {_options.GroundingWeight} beyond ε {_options.GroundingEpsilon}");
        string fit = _options.SampledSteps == 0 ? "whole-episode sums" : $"sums of {_options.SampledSteps} random steps (RRD)";
        return $"SPA progress reward ({outcome} outcome, {grounding}, env reward {(_options.KeepEnvReward ? "kept" : "dropped")}, estimator fits {fit} every {_options.UpdateEvery} steps)";
    }

    /// <inheritdoc/>
    public void Save(CheckpointContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var ensemble = Estimator.Ensemble;
        for (int m = 0; m < ensemble.MemberCount; m++)
        {
            contents.AddModule(MemberPartPrefix + m, ensemble.Members[m]);
            contents.AddOptimizer(OptimizerPartPrefix + m, ensemble.Optimizers[m]);
        }
        contents.AddStream(StatePart, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(StateVersion);
            writer.Write(_lastUpdate);
            writer.Write(_trained);
            writer.Write(_groundedSteps);
            writer.Write(_scoredSteps);
            ensemble.SaveSamplingState(writer);
            _correlation.Save(writer);
            Episodes.Save(writer);
        });
    }

    /// <inheritdoc/>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var ensemble = Estimator.Ensemble;
        if (!checkpoint.Contains(StatePart))
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' has no part \"{StatePart}\": it was not written by an SPA run");
        for (int m = 0; m < ensemble.MemberCount; m++)
        {
            checkpoint.LoadModule(MemberPartPrefix + m, ensemble.Members[m]);
            checkpoint.LoadOptimizer(OptimizerPartPrefix + m, ensemble.Optimizers[m]);
        }
        checkpoint.ReadBinary(StatePart, reader =>
        {
            reader.ExpectInt32(StateVersion, "SPA learner state version");
            _lastUpdate = reader.ReadInt64();
            _trained = reader.ReadFlag("SPA trained flag");
            _groundedSteps = reader.ReadInt64();
            _scoredSteps = reader.ReadInt64();
            ensemble.LoadSamplingState(reader);
            _correlation.Load(reader);
            Episodes.Load(reader);
        });
    }

    /// <summary>Releases the estimator.</summary>
    public void Dispose() => Estimator.Dispose();
}
