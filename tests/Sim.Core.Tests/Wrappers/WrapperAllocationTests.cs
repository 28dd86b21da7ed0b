using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

[Collection("AllocationTests")]
public class WrapperAllocationTests
{
    static void Bonus(ReadOnlySpan<float> obs, ReadOnlySpan<float> actions, ReadOnlySpan<float> next, Span<float> rewards)
    {
        for (int i = 0; i < rewards.Length; i++) rewards[i] = next[i * CountingEnv.ObsSize + 2] - obs[i * CountingEnv.ObsSize + 2];
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Stepping_a_stack_of_every_wrapper_allocates_nothing_in_steady_state(AutoresetMode mode)
    {
        const int numEnvs = 16;
        IVectorEnv env = new TimeLimit(new CountingEnv(numEnvs, mode, baseLength: 5), maxEpisodeSteps: 6);
        var record = new RecordEpisodeStatistics(env, bufferLength: 10);
        env = new FuncRewardWrapper(record, Bonus, RewardMode.Add, weight: 0.1f);
        env = new NormalizeObservation(env);
        env = new NormalizeReward(env);
        env = new ClipAction(env);
        using var wrapped = env;
        wrapped.Reset(seed: 0);
        var actions = new float[numEnvs * CountingEnv.ActSize];
        for (int i = 0; i < actions.Length; i++) actions[i] = (i % 5 - 2) * 0.8f;
        // Warm up past tiered compilation, which re-JITs hot methods after a delay.
        for (int round = 0; round < 3; round++)
        {
            for (int t = 0; t < 200; t++) wrapped.Step(actions);
            Thread.Sleep(150);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 1000; t++) wrapped.Step(actions);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(after == before, $"1000 wrapped steps allocated {after - before} bytes");
        Assert.True(record.EpisodeCount > 1000, "the measured steps must include many autoresets");
        Assert.False(double.IsNaN(record.RecentMeanReturn));
    }
}
