namespace Sim.Core.Tests.Vector;

/// <summary>Allocation tests run alone, so timing-sensitive spinning in other tests does not interfere.</summary>
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public class AllocationCollection;

[Collection(nameof(AllocationTests))]
public class AllocationTests
{
    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Steady_state_stepping_allocates_nothing_on_any_thread(AutoresetMode mode)
    {
        using var env = new CountdownEnv(64, new VectorEnvOptions { NumThreads = 2, AutoresetMode = mode });
        env.TrackAllocations = true; // from the start, so thread-static storage is created during warm-up
        env.Reset(seed: 0);
        var actions = Enumerable.Repeat(1f, 64).ToArray();
        // Warm up past tiered compilation (call counting starts after a 100 ms delay and re-JITs in the background).
        for (int round = 0; round < 3; round++)
        {
            for (int t = 0; t < 200; t++) env.Step(actions);
            Thread.Sleep(150);
        }
        env.ClearAllocationCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 2000; t++) env.Step(actions); // includes hundreds of autoresets
        long caller = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(caller == 0, $"caller thread allocated {caller} bytes");
        // Includes the worker thread: everything it ran between its StepRange calls.
        Assert.True(env.BytesAllocatedBetweenSteps == 0, $"{env.BytesAllocatedBetweenSteps} bytes allocated between steps");
        Assert.True(env.StepCalls >= 2 * 2000);
    }
}
