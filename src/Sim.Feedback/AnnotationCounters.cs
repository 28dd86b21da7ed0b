namespace Sim.Feedback;

/// <summary>What the annotation service has done so far, counted across its workers: items requested, answered by the
/// LLM, failed and served from the cache, requests sent, items waiting, and the circuit breaker's state.</summary>
public sealed class AnnotationCounters
{
    long _requested, _answered, _failed, _cached, _requestsSent, _queued, _breakerOpenings;
    int _breakerOpen;

    /// <summary>Items put on the queue for the LLM.</summary>
    public long Requested => Interlocked.Read(ref _requested);

    /// <summary>Items the LLM answered validly.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Item attempts that failed (server down, timeout, error status, malformed or wrong reply, open breaker).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Items answered from the cache file without a request.</summary>
    public long Cached => Interlocked.Read(ref _cached);

    /// <summary>Chat-completion calls made (each carries a batch; retries inside a call are not counted again).</summary>
    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    /// <summary>Items waiting on the queue or in a request in flight.</summary>
    public long QueueLength => Interlocked.Read(ref _queued);

    /// <summary>Whether the circuit breaker is open now (calls fail at once).</summary>
    public bool BreakerOpen => Volatile.Read(ref _breakerOpen) == 1;

    /// <summary>How many times the breaker has opened.</summary>
    public long BreakerOpenings => Interlocked.Read(ref _breakerOpenings);

    /// <summary>Share of distinct items answered without asking: cached ÷ (cached + requested); 0 before any.</summary>
    public double CacheHitRate
    {
        get
        {
            double cached = Cached, total = cached + Requested;
            return total == 0 ? 0 : cached / total;
        }
    }

    internal void AddRequested(int n)
    {
        Interlocked.Add(ref _requested, n);
        Interlocked.Add(ref _queued, n);
    }

    internal void AddAnswered(int n)
    {
        Interlocked.Add(ref _answered, n);
        Interlocked.Add(ref _queued, -n);
    }

    internal void AddFailed(int n)
    {
        Interlocked.Add(ref _failed, n);
        Interlocked.Add(ref _queued, -n);
    }

    internal void AddCached(int n) => Interlocked.Add(ref _cached, n);

    internal void AddRequestSent() => Interlocked.Increment(ref _requestsSent);

    internal void BreakerOpened()
    {
        Volatile.Write(ref _breakerOpen, 1);
        Interlocked.Increment(ref _breakerOpenings);
    }

    internal void BreakerClosed() => Volatile.Write(ref _breakerOpen, 0);
}
