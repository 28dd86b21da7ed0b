using Sim.Core;
using Sim.Foundation;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Threading and allocation behaviour of InvertedPendulum, the Reachers and the goal-conditioned arms.</summary>
public class SmallTaskDeterminismTests
{
    public static TheoryData<string> Ids => new() { "InvertedPendulum-v1", "Reacher-v1", "ReacherSparse-v1", "ArmReach-v1", "ArmPush-v1" };

    // Everything a learner reads after each step, flattened.
    static List<float[]> Record(string id, int numEnvs, int threads, AutoresetMode mode, int steps)
    {
        using var env = Envs.Make(id, numEnvs, seed: 77, new VectorEnvOptions { NumThreads = threads, AutoresetMode = mode });
        int actionSize = env.SingleActionSpace.FlatSize;
        var actions = new float[numEnvs * actionSize];
        var rng = new SimRandom(5);
        var rows = new List<float[]> { env.Observations.ToArray() };
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < numEnvs; i++) env.SingleActionSpace.Sample(ref rng, actions.AsSpan(i * actionSize, actionSize));
            env.Step(actions);
            rows.Add(env.Observations.ToArray());
            rows.Add(env.Rewards.ToArray());
            rows.Add(env.FinalObservations.ToArray());
            rows.Add(env.Terminated.ToArray().Select(b => b ? 1f : 0f).ToArray());
            rows.Add(env.Truncated.ToArray().Select(b => b ? 1f : 0f).ToArray());
            foreach (var key in env.Infos.ValueKeys) rows.Add(env.Infos.Value(key).ToArray());
            foreach (var key in env.Infos.FlagKeys) rows.Add(env.Infos.Flag(key).ToArray().Select(b => b ? 1f : 0f).ToArray());
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Same_seed_gives_bitwise_identical_rollouts_with_one_or_two_threads(string id)
    {
        foreach (var mode in new[] { AutoresetMode.NextStep, AutoresetMode.SameStep })
        {
            // 110 steps cross the 50- and 100-step time limits, so autoresets are exercised.
            var one = Record(id, 7, 1, mode, 110);
            var two = Record(id, 7, 2, mode, 110);
            Assert.Equal(one.Count, two.Count);
            for (int r = 0; r < one.Count; r++)
            {
                Assert.Equal(one[r].Length, two[r].Length);
                for (int k = 0; k < one[r].Length; k++)
                {
                    if (BitConverter.SingleToInt32Bits(one[r][k]) != BitConverter.SingleToInt32Bits(two[r][k]))
                        Assert.Fail($"{id} ({mode}): record {r} element {k} is {one[r][k]:R} with 1 thread but {two[r][k]:R} with 2");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Steady_state_stepping_allocates_nothing(string id)
    {
        using var env = Envs.Make(id, 4, seed: 3);
        var actions = new float[4 * env.SingleActionSpace.FlatSize];
        var rng = new SimRandom(1);
        for (int i = 0; i < 4; i++) env.SingleActionSpace.Sample(ref rng, actions.AsSpan(i * env.SingleActionSpace.FlatSize, env.SingleActionSpace.FlatSize));
        for (int t = 0; t < 300; t++) env.Step(actions); // warm-up, including autoresets
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 300; t++) env.Step(actions);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{id}: 300 steps allocated {allocated} bytes");
    }
}
