using Sim.Feedback;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;
using Sim.Rewards.Teachers;

namespace Sim.Learning.Preferences;

/// <summary>An LLM answering preference queries (RL from AI feedback, <c>--teacher llm</c>): each pair's two segments are
/// described by their event captions and put to the LLM through the same annotation queue and answer cache as ONI.</summary>
/// <remarks>
/// <para>A segment is described by its distinct captions in the order they first occur, joined by <c>;</c> ("the fingertip
/// moved closer to the target; the fingertip reached the target"); a segment in which nothing happened is "nothing
/// happened". The LLM's "A" is a left preference, "B" a right one and "same" equal.</para>
/// <para>Like a person, it answers later: <see cref="Ask"/> only queues the pairs; a background loop records each answer
/// into the label store once it has arrived. A pair whose request failed is asked again on the next loop after the
/// service's retry delay, so a server that recovers still answers it.</para>
/// </remarks>
public sealed class LlmTeacher : IPreferenceTeacher<Segment>, IDisposable
{
    readonly AnnotationService _service;
    readonly AnnotationCache _cache;
    readonly List<(long PairId, string Key, ILabelSink Answers)> _pending = new();
    readonly object _gate = new();
    readonly CancellationTokenSource _stop = new();
    readonly Task _recorder;

    LlmTeacher(AnnotationService service, AnnotationCache cache, string model)
    {
        _service = service;
        _cache = cache;
        LabelerId = $"teacher:llm:{model}";
        _recorder = Task.Run(RecordAnswersAsync);
    }

    /// <summary>A teacher asking the server <paramref name="options"/> names, caching answers in <paramref name="cachePath"/>.</summary>
    public static LlmTeacher Create(LlmOptions options, string cachePath)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FindProblem() is { } problem) throw new ArgumentException(problem, nameof(options));
        var counters = new AnnotationCounters();
        string? key = OpenAiCompatibleClient.ReadApiKey(options);
        var cache = AnnotationCache.Open(cachePath);
        try
        {
            var service = new AnnotationService(OpenAiCompatibleClient.Create(options, key, counters), new CaptionComparePrompt(), options, cache, counters, key);
            return new LlmTeacher(service, cache, options.Model);
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public string LabelerId { get; }

    /// <summary>The annotation counters of the teacher's queue.</summary>
    public AnnotationCounters Counters => _service.Counters;

    /// <summary>Pairs asked and not yet recorded.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate) return _pending.Count;
        }
    }

    /// <summary>The description of <paramref name="segment"/> the LLM is shown.</summary>
    public static string Describe(Segment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var distinct = new List<string>();
        foreach (string caption in segment.Captions)
            if (caption.Length > 0 && !distinct.Contains(caption)) distinct.Add(caption);
        return string.Join("; ", distinct);
    }

    /// <inheritdoc/>
    public void Ask(IReadOnlyList<PreferencePair<Segment>> pairs, ILabelSink answers)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(answers);
        foreach (var pair in pairs)
        {
            string key = CaptionComparePrompt.PairKey(Describe(pair.Left), Describe(pair.Right));
            _service.Request(key);
            lock (_gate) _pending.Add((pair.Id, key, answers));
        }
    }

    async Task RecordAnswersAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                RecordArrived();
                await Task.Delay(50, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Records every pending pair whose answer has arrived; asks again about the others (a no-op unless their
    /// request failed and its retry delay has passed).</summary>
    public void RecordArrived()
    {
        List<(long PairId, string Key, ILabelSink Answers)> ready = new();
        lock (_gate)
        {
            for (int i = _pending.Count - 1; i >= 0; i--)
            {
                if (!_service.TryGetAnswer(_pending[i].Key, out _))
                {
                    _service.Request(_pending[i].Key);
                    continue;
                }
                ready.Add(_pending[i]);
                _pending.RemoveAt(i);
            }
        }
        foreach (var (pairId, key, answers) in ready)
        {
            _service.TryGetAnswer(key, out float preferLeft);
            var label = preferLeft > 0.5f ? PreferenceLabel.Left : preferLeft < 0.5f ? PreferenceLabel.Right : PreferenceLabel.Equal;
            try
            {
                answers.RecordLabel(pairId, label, LabelerId);
            }
            catch (LabelRejectedException)
            {
                // The pair is gone or already answered by this teacher (a resumed run asking again): nothing to record.
            }
        }
    }

    /// <summary>Stops the recording loop and the annotation workers; answers already stored stay in the cache and the label store.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        try
        {
            _recorder.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        _service.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cache.Dispose();
        _stop.Dispose();
    }
}
