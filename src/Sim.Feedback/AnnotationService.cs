using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Sim.Feedback;

/// <summary>Asks an LLM one <see cref="AnnotationPrompt"/> about items (captions, or pairs of them) in the background:
/// <see cref="Request"/> returns at once, workers send batches, and answers appear in <see cref="TryGetAnswer"/>.</summary>
/// <remarks>
/// <para>The learner never waits: <see cref="Request"/> is a dictionary look-up and, for a new item, a write to an
/// unbounded channel. <see cref="LlmOptions.MaxConcurrency"/> workers each take up to <see cref="LlmOptions.BatchSize"/>
/// items and make one call through the resilient client, so at most that many calls are in flight.</para>
/// <para>An item is asked once: answered items are kept in memory and in the <see cref="AnnotationCache"/> (cached answers
/// from earlier runs are served without a request), and an item in flight is not queued again. When a call fails —
/// down, too slow, refused, malformed or an unusable reply — its items are counted as failed, nothing is stored, and they
/// may be requested again after <see cref="LlmOptions.RetryFailedItemsAfterSeconds"/>.</para>
/// <para>Error texts kept for reports are stripped of the API key, should a server ever echo it.</para>
/// </remarks>
public sealed class AnnotationService : IAsyncDisposable
{
    readonly IChatClient _client;
    readonly AnnotationCache? _cache;
    readonly LlmOptions _options;
    readonly string? _apiKey;
    readonly ConcurrentDictionary<string, float> _answers = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, float> _cachedOnly;
    // Item → the Stopwatch timestamp from which it may be requested again; long.MaxValue while queued or in flight.
    readonly ConcurrentDictionary<string, long> _asked = new(StringComparer.Ordinal);
    readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });
    readonly CancellationTokenSource _stop = new();
    readonly Task[] _workers;
    string? _lastError;

    /// <summary>Starts <see cref="LlmOptions.MaxConcurrency"/> workers asking <paramref name="client"/>.</summary>
    /// <param name="client">The chat client (see <see cref="OpenAiCompatibleClient"/>); disposed with the service.</param>
    /// <param name="prompt">What is asked.</param>
    /// <param name="options">Model, batching and concurrency.</param>
    /// <param name="cache">Where answers are kept across runs; null keeps them in memory only.</param>
    /// <param name="counters">Shared counters (several services of one run may share them).</param>
    /// <param name="apiKey">The key in use, only so that it can be removed from error texts.</param>
    public AnnotationService(IChatClient client, AnnotationPrompt prompt, LlmOptions options, AnnotationCache? cache, AnnotationCounters counters,
        string? apiKey = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Prompt = prompt ?? throw new ArgumentNullException(nameof(prompt));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.FindProblem() is { } problem) throw new ArgumentException(problem, nameof(options));
        Counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _cache = cache;
        _apiKey = apiKey;
        _cachedOnly = new ConcurrentDictionary<string, float>(cache?.Load(prompt, options.Model) ?? new Dictionary<string, float>(), StringComparer.Ordinal);
        _workers = Enumerable.Range(0, options.MaxConcurrency).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>The prompt this service asks.</summary>
    public AnnotationPrompt Prompt { get; }

    /// <summary>The service's counters.</summary>
    public AnnotationCounters Counters { get; }

    /// <summary>The latest failure, as one line without the API key; null before any.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>The answer for <paramref name="item"/> once the LLM (or the cache) has given it.</summary>
    public bool TryGetAnswer(string item, out float answer) => _answers.TryGetValue(item, out answer);

    /// <summary>Asks about <paramref name="item"/> unless it is answered, cached, waiting, or failed too recently; never blocks.</summary>
    public void Request(string item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_answers.ContainsKey(item)) return;
        if (_cachedOnly.TryRemove(item, out float cached))
        {
            _answers[item] = cached;
            Counters.AddCached(1);
            return;
        }
        long now = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_asked.TryGetValue(item, out long notBefore))
            {
                if (now < notBefore || !_asked.TryUpdate(item, long.MaxValue, notBefore)) return;
            }
            else if (!_asked.TryAdd(item, long.MaxValue)) continue;
            break;
        }
        if (_stop.IsCancellationRequested) return;
        Counters.AddRequested(1);
        _queue.Writer.TryWrite(item);
    }

    /// <summary>Waits until no item is queued or in flight, or <paramref name="timeout"/> passes; returns whether it drained.
    /// For the end of a run and for tests: the learner itself never calls it.</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Counters.QueueLength > 0)
        {
            if (Stopwatch.GetTimestamp() >= deadline) return false;
            await Task.Delay(10);
        }
        return true;
    }

    async Task WorkAsync()
    {
        var batch = new List<string>(_options.BatchSize);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                batch.Clear();
                while (batch.Count < _options.BatchSize && reader.TryRead(out string? item)) batch.Add(item);
                if (batch.Count > 0) await AskAsync(batch);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    async Task AskAsync(List<string> batch)
    {
        try
        {
            Counters.AddRequestSent();
            var chatOptions = new ChatOptions { Temperature = _options.Temperature, ModelId = _options.Model };
            var response = await _client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt.Render(batch))], chatOptions, _stop.Token);
            float[] answers = Prompt.Parse(response.Text ?? "", batch.Count);
            // Stored before it is shown: an answer the learner used is one a restarted run finds again.
            _cache?.Store(Prompt, _options.Model, batch, answers);
            for (int i = 0; i < batch.Count; i++)
            {
                _answers[batch[i]] = answers[i];
                _asked.TryRemove(batch[i], out _);
            }
            Counters.AddAnswered(batch.Count);
        }
        catch (Exception e) when (!_stop.IsCancellationRequested || e is not OperationCanceledException)
        {
            Volatile.Write(ref _lastError, Describe(e));
            long retryAt = Stopwatch.GetTimestamp() + (long)(_options.RetryFailedItemsAfterSeconds * Stopwatch.Frequency);
            foreach (string item in batch) _asked[item] = retryAt;
            Counters.AddFailed(batch.Count);
        }
        catch (OperationCanceledException)
        {
            Counters.AddFailed(batch.Count);
        }
    }

    string Describe(Exception e)
    {
        string text = $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
        if (text.Length > 300) text = text[..300] + "…";
        return string.IsNullOrEmpty(_apiKey) ? text : text.Replace(_apiKey, "[key]", StringComparison.Ordinal);
    }

    /// <summary>Stops the workers (calls in flight are cancelled; their items count as failed) and disposes the client.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers);
        }
        catch (OperationCanceledException)
        {
        }
        _client.Dispose();
        _stop.Dispose();
    }
}
