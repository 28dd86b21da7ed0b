using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Sim.Core;

/// <summary>Persistent threads that run the partitions of one piece of work at a time, the caller included.</summary>
/// <remarks>
/// A step of a vector env is tens of microseconds, so waking threads through the OS scheduler each
/// step (as Parallel.For effectively does) costs as much as the work. Workers spin for a short
/// while after each job so back-to-back steps are picked up at once, then sleep on a monitor so
/// an idle pool does not steal cores from the learner between rollouts.
///
/// Partition boundaries are fixed, but which thread runs a partition is not: the caller and the
/// workers claim partitions from a shared counter. On a busy machine a worker may not get a core
/// for milliseconds; the caller then runs its partitions too instead of waiting for it. Results do
/// not depend on who runs what, because envs keep their own random streams.
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    readonly Thread[] _threads;
    readonly object _gate = new();
    IPartitionedWork? _work;
    long _generation;
    // High 32 bits: the generation being claimed; low 32 bits: the next unclaimed partition.
    long _claim;
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
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"sim-worker-{i + 1}" };
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
        Volatile.Write(ref _remaining, ThreadCount);
        long generation;
        lock (_gate)
        {
            generation = ++_generation;
            Volatile.Write(ref _claim, generation << 32);
            Monitor.PulseAll(_gate);
        }
        RunClaimedPartitions(generation);
        var spinner = new SpinWait();
        while (Volatile.Read(ref _remaining) != 0) spinner.SpinOnce(sleep1Threshold: -1);
        _work = null;
        var failure = Interlocked.Exchange(ref _failure, null);
        failure?.Throw();
    }

    // Claims and runs partitions of this generation until none is left.
    void RunClaimedPartitions(long generation)
    {
        while (true)
        {
            long claim = Volatile.Read(ref _claim);
            int partition = (int)(claim & 0xFFFF_FFFF);
            if (claim >> 32 != generation || partition >= ThreadCount) return;
            if (Interlocked.CompareExchange(ref _claim, claim + 1, claim) != claim) continue;
            // The job cannot change under us: Run waits for this partition before starting the next job.
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

    void WorkerLoop()
    {
        long seen = 0;
        while (true)
        {
            long generation = WaitForJob(seen);
            if (_disposed) return;
            seen = generation;
            RunClaimedPartitions(generation);
        }
    }

    long WaitForJob(long seen)
    {
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _generation) == seen && !_disposed)
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
