using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Sim.Core;

/// <summary>Persistent threads that run the partitions of one piece of work at a time, the caller taking partition 0.</summary>
/// <remarks>
/// A step of a vector env is tens of microseconds, so waking threads through the OS scheduler each
/// step (as Parallel.For effectively does) costs as much as the work. Workers spin for a short
/// while after each job so back-to-back steps are picked up at once, then sleep on a monitor so
/// an idle pool does not steal cores from the learner between rollouts.
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    readonly Thread[] _threads;
    readonly object _gate = new();
    IPartitionedWork? _work;
    long _generation;
    int _remaining;
    volatile bool _disposed;
    ExceptionDispatchInfo? _failure;

    /// <summary>Creates a pool that runs work over <paramref name="threadCount"/> threads, the caller included.</summary>
    public WorkerPool(int threadCount)
    {
        if (threadCount < 1) throw new ArgumentOutOfRangeException(nameof(threadCount), threadCount, "a pool needs at least one thread (the caller)");
        ThreadCount = threadCount;
        _threads = new Thread[threadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int partition = i + 1;
            _threads[i] = new Thread(() => WorkerLoop(partition)) { IsBackground = true, Name = $"sim-worker-{partition}" };
            _threads[i].Start();
        }
    }

    /// <summary>Number of partitions each job is split into (worker threads plus the caller).</summary>
    public int ThreadCount { get; }

    /// <summary>Runs every partition of <paramref name="work"/> and returns when all are done; rethrows the first failure.</summary>
    public void Run(IPartitionedWork work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ThreadCount == 1)
        {
            work.Execute(0, 1);
            return;
        }
        _work = work;
        Volatile.Write(ref _remaining, ThreadCount - 1);
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }
        try
        {
            work.Execute(0, ThreadCount);
        }
        finally
        {
            var spinner = new SpinWait();
            while (Volatile.Read(ref _remaining) != 0) spinner.SpinOnce(sleep1Threshold: -1);
            _work = null;
        }
        var failure = Interlocked.Exchange(ref _failure, null);
        failure?.Throw();
    }

    void WorkerLoop(int partition)
    {
        long seen = 0;
        while (true)
        {
            long generation = WaitForJob(seen);
            if (_disposed) return;
            seen = generation;
            try
            {
                _work!.Execute(partition, ThreadCount);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }
            Interlocked.Decrement(ref _remaining);
        }
    }

    long WaitForJob(long seen)
    {
        long start = Stopwatch.GetTimestamp();
        long generation;
        while ((generation = Volatile.Read(ref _generation)) == seen && !_disposed)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(32);
                continue;
            }
            lock (_gate)
            {
                while (_generation == seen && !_disposed) Monitor.Wait(_gate);
            }
        }
        return Volatile.Read(ref _generation);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var t in _threads) t.Join();
    }
}
