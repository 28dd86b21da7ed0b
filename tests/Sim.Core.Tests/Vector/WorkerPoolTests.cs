namespace Sim.Core.Tests.Vector;

public class WorkerPoolTests
{
    sealed class CoverageWork(int size) : IPartitionedWork
    {
        public readonly int[] Hits = new int[size];
        public readonly int[] Partition = new int[size];

        public void Execute(int partition, int partitionCount)
        {
            int start = size * partition / partitionCount, end = size * (partition + 1) / partitionCount;
            for (int i = start; i < end; i++)
            {
                Hits[i]++;
                Partition[i] = partition;
            }
        }
    }

    sealed class FailingWork : IPartitionedWork
    {
        public void Execute(int partition, int partitionCount)
        {
            if (partition == partitionCount - 1) throw new InvalidOperationException($"partition {partition} failed");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Every_index_is_covered_exactly_once_per_run_with_static_partitions(int threads)
    {
        using var pool = new WorkerPool(threads);
        var work = new CoverageWork(1001);
        for (int run = 0; run < 500; run++) pool.Run(work);
        Assert.All(work.Hits, h => Assert.Equal(500, h));
        // Partition boundaries are fixed whichever thread claims them.
        Assert.Equal(0, work.Partition[0]);
        Assert.Equal(threads - 1, work.Partition[^1]);
    }

    [Fact]
    public void A_worker_failure_is_rethrown_to_the_caller_and_the_pool_stays_usable()
    {
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(new FailingWork()));
        Assert.Contains("partition 1", e.Message);
        var work = new CoverageWork(10);
        pool.Run(work);
        Assert.All(work.Hits, h => Assert.Equal(1, h));
    }

    sealed class ThreadRecordingWork : IPartitionedWork
    {
        public readonly int[] ThreadIds = new int[2];
        public void Execute(int partition, int partitionCount) => ThreadIds[partition] = Environment.CurrentManagedThreadId;
    }

    [Fact]
    public void Every_partition_runs_on_some_thread_in_every_run()
    {
        // Whoever claims a partition, each one runs once per job.
        using var pool = new WorkerPool(2);
        var work = new ThreadRecordingWork();
        for (int i = 0; i < 200; i++) pool.Run(work);
        Assert.All(work.ThreadIds, id => Assert.NotEqual(0, id));
    }

    [Fact]
    public void Zero_threads_is_rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
        Assert.Contains("at least one", e.Message);
    }

    [Fact]
    public void Idle_workers_pick_up_work_after_sleeping()
    {
        using var pool = new WorkerPool(2);
        var work = new CoverageWork(4);
        pool.Run(work);
        Thread.Sleep(50); // past the spin window: workers now block on the monitor
        pool.Run(work);
        Assert.All(work.Hits, h => Assert.Equal(2, h));
    }
}
