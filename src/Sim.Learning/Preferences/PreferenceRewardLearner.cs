using System.Diagnostics;
using Sim.Foundation;
using Sim.Learning.Training;
using Sim.Rewards.Models;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;
using Sim.Rewards.Segments;
using Sim.Rewards.Teachers;
using static TorchSharp.torch;

namespace Sim.Learning.Preferences;

/// <summary>The preference side of a run: it keeps recent episodes, asks the teacher about pairs of their segments on the
/// query schedule, stores every answer durably, and retrains the reward model after each round.</summary>
/// <remarks>The trainer that owns it steps the env chain (whose <see cref="EpisodeHistoryRecorder"/> fills
/// <see cref="History"/>) and calls <see cref="TryRunRound"/> between chunks of training.</remarks>
public sealed partial class PreferenceRewardLearner : IDisposable
{
    const int CorrelationSegments = 100;
    readonly PreferenceLearningOptions _options;
    QuerySchedule _schedule;
    readonly ScriptedTeacher _teacher;
    readonly ScriptedTeacher _oracle;
    readonly LabelStore _store;
    SimRandom _rng;

    /// <summary>Builds the learner for an env with the given sizes; labels go to the SQLite file <paramref name="labelStorePath"/>.</summary>
    public PreferenceRewardLearner(PreferenceLearningOptions options, QueryScheduleOptions schedule, string envId, int numEnvs,
        int observationSize, int actionSize, int physicsStateSize, string labelStorePath, ulong seed, Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schedule);
        options.Validate();
        _options = options;
        _schedule = new QuerySchedule(schedule);
        _teacher = PreferenceTeachers.Create(options.Teacher, seed);
        _oracle = ScriptedTeacher.Oracle(seed ^ 0x5EED_0AC1E);
        _rng = new SimRandom(seed ^ 0xC0FFEE);
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
        var config = RobotRewardModelConfig.Pebble(observationSize, actionSize, seed) with { Normalization = options.Normalization };
        config = config with
        {
            Encoder = config.Encoder with { TanhOutput = options.TanhOutput },
            Ensemble = config.Ensemble with { Members = options.EnsembleMembers },
        };
        Model = new RobotRewardModel(config, device);
        _store = LabelStore.Open(labelStorePath);
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

    /// <summary>Runs a query round if one is due at <paramref name="envStep"/> and the history can supply pairs, retrains
    /// the model on every label so far and logs the round; returns whether the model changed.</summary>
    public bool TryRunRound(long envStep, IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        // Pairs need two finished episodes of at least H steps; until then the round waits (early policies on envs that
        // end episodes early may produce none for a while).
        if (!_schedule.IsDue(envStep) || History.SampleableEpisodeCount < 2) return false;
        if (!_schedule.TryTakeRound(envStep, out var round)) return false;
        long start = Stopwatch.GetTimestamp();

        var recent = History.RecentStatistics();
        if (recent.Episodes > 0) _teacher.UpdateThresholds(recent.MeanReturn, recent.MeanLength, _options.SegmentLength);
        var sampler = QuerySamplers.Create(round.Selection, Model, _options.CandidateFactor);
        var proposed = sampler.Select(History, round.Size, ref _rng);
        var pairs = _store.AddPairs(proposed, new PairProvenance(round.Index, sampler.Name));
        _teacher.LabelInto(_store, pairs);

        var labels = TrainableLabels();
        metrics.Log(PreferenceMetrics.LabelsTag, _schedule.QueriesAsked, envStep);
        metrics.Log(PreferenceMetrics.RoundsTag, _schedule.RoundsTaken, envStep);
        if (!labels.Any(l => l.Label != PreferenceLabel.Skip)) return false; // e.g. a skip teacher declined every query so far

        long updateStart = Stopwatch.GetTimestamp();
        RewardUpdate?.Invoke(new RewardUpdateProgress(round.Index, labels.Count, envStep));
        var report = Model.Train(labels, HeldOutPairs());
        RewardUpdate?.Invoke(new RewardUpdateProgress(round.Index, labels.Count, envStep, Stopwatch.GetElapsedTime(updateStart).TotalSeconds));
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
    List<LabeledPair>? HeldOutPairs()
    {
        if (_options.HeldOutPairs == 0) return null;
        var pairs = new UniformQuerySampler().Select(History, _options.HeldOutPairs, ref _rng);
        var now = DateTimeOffset.UtcNow;
        return pairs.Select(p => new LabeledPair(new PreferencePair(0, p.Left, p.Right), _oracle.Answer(p.Left, p.Right), _oracle.LabelerId, now)).ToList();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Model.Dispose();
        _store.Dispose();
    }
}
