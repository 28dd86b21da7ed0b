using System.Diagnostics;
using Sim.Foundation;
using Sim.Learning.Training;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Dynamics;
using Sim.Rewards.Teachers;
using static TorchSharp.torch;

namespace Sim.Learning.Preferences;

/// <summary>The preference side of a run: it keeps recent episodes, asks the teacher about pairs of their segments on the
/// query schedule, stores every answer durably, and retrains the reward model whenever new answers have arrived.</summary>
/// <remarks>
/// <para>The trainer that owns it steps the env chain (whose <see cref="EpisodeHistoryRecorder"/> fills
/// <see cref="History"/>) and calls <see cref="TryRunRound"/> between chunks of training.</para>
/// <para>Asking and answering are apart: a round stores its pairs as pending and puts them to the teacher, and every call
/// trains on the labels the store holds if any arrived since the last look. A scripted teacher answers within the round,
/// so the model is retrained in that same call; a person or an LLM may answer minutes later, and training goes on with
/// the reward model it has until then.</para>
/// </remarks>
public sealed partial class PreferenceRewardLearner : IDisposable
{
    const int CorrelationSegments = 100;
    readonly PreferenceLearningOptions _options;
    QuerySchedule _schedule;
    readonly IPreferenceTeacher<Segment> _teacher;
    readonly ScriptedTeacher _oracle;
    readonly LabelStore<Segment> _store;
    SimRandom _rng;
    // The newest label id seen by the last look at the store: label ids only grow, so a larger one means new answers.
    long _seenLabelId;

    /// <summary>Builds the learner for an env with the given sizes; labels go to the SQLite file <paramref name="labelStorePath"/>.</summary>
    /// <param name="teacher">Who answers the queries; null for the scripted teacher named by <see cref="PreferenceLearningOptions.Teacher"/>.
    /// A teacher that is <see cref="IDisposable"/> (the LLM's) is disposed with the learner.</param>
    public PreferenceRewardLearner(PreferenceLearningOptions options, QueryScheduleOptions schedule, string envId, int numEnvs,
        int observationSize, int actionSize, int physicsStateSize, string labelStorePath, ulong seed, Device device,
        IPreferenceTeacher<Segment>? teacher = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schedule);
        options.Validate();
        _options = options;
        _schedule = new QuerySchedule(schedule);
        // Each consumer of randomness draws from its own named stream of the run's seed (env i uses seed + i).
        _teacher = teacher ?? (options.Teacher == PreferenceTeachers.Human
            ? new HumanTeacher()
            : PreferenceTeachers.Create(options.Teacher, SeedDerivation.Derive(seed, "preference-teacher")));
        _oracle = ScriptedTeacher.Oracle(SeedDerivation.Derive(seed, "held-out-oracle"));
        _rng = new SimRandom(SeedDerivation.Derive(seed, "query-sampling"));
        History = new EpisodeHistory(new EpisodeHistoryOptions
        {
            EnvId = envId,
            NumEnvs = numEnvs,
            ObservationSize = observationSize,
            ActionSize = actionSize,
            PhysicsStateSize = physicsStateSize,
            MaxEpisodes = options.RecentEpisodes,
            SegmentLength = options.SegmentLength,
        });
        var config = RobotRewardModelConfig.Pebble(observationSize, actionSize, SeedDerivation.Derive(seed, "reward-model")) with { Normalization = options.Normalization };
        config = config with
        {
            Encoder = config.Encoder with { TanhOutput = options.TanhOutput },
            Ensemble = config.Ensemble with { Members = options.EnsembleMembers },
            Dynamics = options.Reed?.Encoder,
        };
        Model = new RobotRewardModel(config, device);
        Dynamics = options.Reed is null ? null : new DynamicsPretrainer(options.Reed, config.Encoder, SeedDerivation.Derive(seed, "reed"), device);
        _store = SegmentCodec.OpenStore(labelStorePath);
        _seenLabelId = _store.GetLastLabelId();
    }

    /// <summary>Recent episodes, fed by the env chain's <see cref="EpisodeHistoryRecorder"/>.</summary>
    public EpisodeHistory History { get; }

    /// <summary>The reward model being learned.</summary>
    public RobotRewardModel Model { get; }

    /// <summary>Whether the model has been trained at least once (before that its reward is noise).</summary>
    public bool HasTrainedModel { get; private set; }

    /// <summary>Where the model is saved after each training round; null to keep it in memory only.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Queries asked so far.</summary>
    public int LabelsUsed => _schedule.QueriesAsked;

    /// <summary>Raised on the training thread when a reward-model update starts and when it ends.</summary>
    public event Action<RewardUpdateProgress>? RewardUpdate;

    /// <summary>The schedule the rounds follow.</summary>
    public QueryScheduleOptions Schedule => _schedule.Options;

    /// <summary>Runs a query round if one is due at <paramref name="envStep"/> and the history can supply pairs (storing
    /// them as pending and putting them to the teacher), then, if answers arrived since the last call, retrains the model
    /// on every label so far and logs it; returns whether the model changed.</summary>
    public bool TryRunRound(long envStep, IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        long start = Stopwatch.GetTimestamp();
        // Pairs need two finished episodes of at least H steps; until then the round waits (early policies on envs that
        // end episodes early may produce none for a while).
        if (_schedule.IsDue(envStep) && History.SampleableEpisodeCount >= 2 && _schedule.TryTakeRound(envStep, out var round))
        {
            Ask(round);
            metrics.Log(PreferenceMetrics.LabelsTag, _schedule.QueriesAsked, envStep);
            metrics.Log(PreferenceMetrics.RoundsTag, _schedule.RoundsTaken, envStep);
        }
        WaitForAnswers();
        return TrainOnArrivedLabels(envStep, metrics, start);
    }

    /// <summary>Pairs asked and not yet answered by the teacher (for people: by anyone).</summary>
    public int PendingPairCount => _store.CountUnlabeledPairs(_teacher is HumanTeacher ? null : _teacher.LabelerId);

    /// <summary>Chooses whose answers are trained on (e.g. leaves out labelers who fail gold pairs); null trains on all.</summary>
    public Func<IReadOnlyList<LabeledPair<Segment>>, IReadOnlyList<LabeledPair<Segment>>>? LabelFilter { get; set; }

    /// <summary>Ends a <see cref="PreferenceLearningOptions.LabelWait"/> pause early (the run is being stopped).</summary>
    public CancellationToken StopWaiting { get; set; }

    /// <summary>Raised while training pauses for answers, with the number outstanding, about once a second.</summary>
    public event Action<int>? WaitingForAnswers;

    // --label-wait: with more answers outstanding than allowed, training pauses until people catch up.
    void WaitForAnswers()
    {
        if (_options.LabelWait is not int allowed) return;
        for (int pending = PendingPairCount; pending > allowed && !StopWaiting.IsCancellationRequested; pending = PendingPairCount)
        {
            WaitingForAnswers?.Invoke(pending);
            StopWaiting.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
        }
    }

    void Ask(QueryRound round)
    {
        var recent = History.RecentStatistics();
        if (recent.Episodes > 0 && _teacher is ScriptedTeacher scripted)
            scripted.UpdateThresholds(recent.MeanReturn, recent.MeanLength, _options.SegmentLength);
        var sampler = QuerySamplers.Create(round.Selection, Model, _options.CandidateFactor);
        var proposed = sampler.Select(History, round.Size, ref _rng);
        var pairs = _store.AddPairs(proposed, new PairProvenance(round.Index, sampler.Name));
        _teacher.Ask(pairs, _store);
    }

    bool TrainOnArrivedLabels(long envStep, IMetricSink metrics, long start)
    {
        long newest = _store.GetLastLabelId();
        if (newest <= _seenLabelId) return false;
        _seenLabelId = newest;
        var labels = TrainableLabels();
        if (LabelFilter is { } filter) labels = filter(labels);
        if (labels.Count == 0) return false; // e.g. a skip teacher declined every query so far

        long updateStart = Stopwatch.GetTimestamp();
        RewardUpdate?.Invoke(new RewardUpdateProgress(_schedule.RoundsTaken - 1, labels.Count, envStep));
        TrainDynamics(envStep, metrics);
        var report = Model.Train(labels, HeldOutPairs());
        RewardUpdate?.Invoke(new RewardUpdateProgress(_schedule.RoundsTaken - 1, labels.Count, envStep, Stopwatch.GetElapsedTime(updateStart).TotalSeconds));
        HasTrainedModel = true;
        if (ModelPath is not null) Model.Save(ModelPath);
        foreach (var (tag, value) in report.Scalars()) metrics.Log(tag, value, envStep);
        if (report.HeldOutAccuracy is double accuracy) metrics.Log(PreferenceMetrics.HeldOutAccuracyTag, accuracy, envStep);
        metrics.Log(PreferenceMetrics.RewardCorrelationTag, RewardCorrelation(), envStep);
        metrics.Log(PreferenceMetrics.RoundSecondsTag, Stopwatch.GetElapsedTime(start).TotalSeconds, envStep);
        return true;
    }

    /// <summary>Pearson correlation between the model's reward and the true reward over steps of recent episodes; NaN when
    /// the history has no pairs yet or either reward is constant.</summary>
    public double RewardCorrelation()
    {
        if (History.SampleableEpisodeCount < 1) return double.NaN;
        var segments = History.SampleSegments(CorrelationSegments, ref _rng);
        int steps = segments.Sum(s => s.Length);
        var observations = new float[steps * Model.ObservationSize];
        var actions = new float[steps * Model.ActionSize];
        var truth = new float[steps];
        int row = 0;
        foreach (var segment in segments)
        {
            segment.Observations.CopyTo(observations, row * Model.ObservationSize);
            segment.Actions.CopyTo(actions, row * Model.ActionSize);
            segment.TrueRewards.CopyTo(truth, row);
            row += segment.Length;
        }
        var learned = new float[steps];
        Model.Rewards(observations, actions, learned);
        return Pearson(learned, truth);
    }

    /// <summary>Pearson's correlation coefficient of two equally long series; NaN when either is constant.</summary>
    public static double Pearson(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"series of {x.Length} and {y.Length} values: expected equal lengths");
        double meanX = 0, meanY = 0;
        for (int i = 0; i < x.Length; i++) { meanX += x[i]; meanY += y[i]; }
        meanX /= x.Length;
        meanY /= y.Length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    // Fresh uniform pairs answered by the oracle, only to measure accuracy: never stored, never trained on.
    List<LabeledPair<Segment>>? HeldOutPairs()
    {
        if (_options.HeldOutPairs == 0) return null;
        var pairs = new UniformQuerySampler<Segment>().Select(History, _options.HeldOutPairs, ref _rng);
        var now = DateTimeOffset.UtcNow;
        return pairs.Select(p => new LabeledPair<Segment>(new PreferencePair<Segment>(0, p.Left, p.Right), _oracle.Answer(p.Left, p.Right), _oracle.LabelerId, now)).ToList();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dynamics?.Dispose();
        Model.Dispose();
        // A teacher with workers of its own (the LLM's) stops before the store its answers go to closes.
        (_teacher as IDisposable)?.Dispose();
        _store.Dispose();
    }
}
