using System.Globalization;
using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Feedback;
using Sim.Learning.Runs;
using Sim.Learning.Training;

namespace Sim.Learning.Oni;

/// <summary>ONI as a reward learner: an annotation service asking the run's LLM about captions in the background, a
/// caption reward model distilled from its answers, and the <see cref="OniRewardWrapper"/> paying it to the policy.</summary>
/// <remarks>
/// <para>Answers are cached in the run folder's <see cref="OniRewardSource.CacheFileName"/>, so a resumed run asks nothing
/// it asked before. Every <see cref="OniOptions.UpdateEvery"/> env steps the model takes the answers that arrived and the
/// learner logs <c>oni/requested</c>, <c>oni/answered</c>, <c>oni/failed</c>, <c>oni/cached</c>, <c>oni/queue_length</c>,
/// <c>oni/breaker_open</c>, <c>oni/requests</c> and <c>oni/intrinsic_share</c>.</para>
/// <para>The key is read from the environment variable <see cref="LlmOptions.ApiKeyVariable"/> names, held only by the
/// HTTP client, and removed from any error text kept.</para>
/// </remarks>
public sealed class OniRewardLearner : IRewardLearner
{
    readonly OniOptions _options;
    readonly AnnotationCache _cache;
    readonly AnnotationService _service;
    readonly CaptionRewardModel _model;
    OniRewardWrapper? _wrapper;
    long _lastUpdate = long.MinValue;

    /// <summary>A learner for a task with <paramref name="vocabulary"/>, keeping its cache at <paramref name="cachePath"/>.</summary>
    public OniRewardLearner(OniOptions options, IReadOnlyList<string> vocabulary, string cachePath, ulong runSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (options.FindProblem() is { } problem) throw new ArgumentException(problem, nameof(options));
        _options = options;
        Counters = new AnnotationCounters();
        string? key = OpenAiCompatibleClient.ReadApiKey(options.Llm);
        AnnotationPrompt prompt = options.Model == OniRewardModelKind.Ranking ? new CaptionComparePrompt() : new CaptionLabelPrompt();
        _cache = AnnotationCache.Open(cachePath);
        try
        {
            _service = new AnnotationService(OpenAiCompatibleClient.Create(options.Llm, key, Counters), prompt, options.Llm, _cache, Counters, key);
        }
        catch
        {
            _cache.Dispose();
            throw;
        }
        _model = options.Model switch
        {
            OniRewardModelKind.Retrieval => new RetrievalCaptionReward(vocabulary, _service),
            OniRewardModelKind.Classification => new ClassificationCaptionReward(vocabulary, _service, runSeed),
            _ => new RankingCaptionReward(vocabulary, _service, runSeed),
        };
    }

    /// <summary>The annotation counters (requested, answered, failed, cached, queue, breaker).</summary>
    public AnnotationCounters Counters { get; }

    /// <summary>The caption reward model.</summary>
    public CaptionRewardModel Model => _model;

    /// <summary>The annotation service.</summary>
    public AnnotationService Service => _service;

    /// <inheritdoc/>
    public IVectorEnv WrapEnv(IVectorEnv env)
    {
        if (_wrapper is not null) throw new InvalidOperationException("the ONI stage is already in an env chain: a learner wraps one chain");
        return _wrapper = new OniRewardWrapper(env, _model, _options);
    }

    /// <inheritdoc/>
    public TransitionRewardFunction RewardFunction => throw new NotSupportedException(
        "ONI's reward depends on each step's caption and episode count, not on (obs, action, next obs): stored transitions cannot be relabelled; ONI runs on PPO");

    /// <inheritdoc/>
    public bool TryUpdate(long envStep, IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_lastUpdate != long.MinValue && envStep - _lastUpdate < _options.UpdateEvery) return false;
        _lastUpdate = envStep;
        bool changed = _model.Refresh();
        metrics.Log("oni/requested", Counters.Requested, envStep);
        metrics.Log("oni/answered", Counters.Answered, envStep);
        metrics.Log("oni/failed", Counters.Failed, envStep);
        metrics.Log("oni/cached", Counters.Cached, envStep);
        metrics.Log("oni/queue_length", Counters.QueueLength, envStep);
        metrics.Log("oni/requests", Counters.RequestsSent, envStep);
        metrics.Log("oni/breaker_open", Counters.BreakerOpen ? 1 : 0, envStep);
        metrics.Log("oni/cache_hit_rate", Counters.CacheHitRate, envStep);
        if (_wrapper is not null) metrics.Log("oni/intrinsic_share", _wrapper.TakeIntrinsicShare(), envStep);
        return changed;
    }

    /// <inheritdoc/>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"ONI {_options.Model.ToString().ToLowerInvariant()} reward from {_options.Llm.Model} at {_options.Llm.BaseUrl} (c_ext {_options.ExtrinsicCoefficient}, c_llm {_options.IntrinsicCoefficient}, β {_options.CountExponent})");

    /// <inheritdoc/>
    public void Save(CheckpointContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        _model.Save(contents);
        contents.AddJson("oni_learner", _lastUpdate);
    }

    /// <inheritdoc/>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.Contains("oni_learner"))
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' has no ONI state: it was not written by an ONI run");
        _model.Load(checkpoint);
        _lastUpdate = checkpoint.ReadJson<long>("oni_learner");
    }

    /// <summary>Stops the annotation workers and closes the cache; answers already stored stay in it.</summary>
    public void Dispose()
    {
        _service.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cache.Dispose();
        _model.Dispose();
    }
}
