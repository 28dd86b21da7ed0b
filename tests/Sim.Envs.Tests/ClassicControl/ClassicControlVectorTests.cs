using Sim.Core;
using Sim.Foundation;

namespace Sim.Envs.Tests.ClassicControl;

/// <summary>Behaviour every classic-control env shares: registry entries, threading determinism, allocation-free steps.</summary>
public class ClassicControlVectorTests
{
    public static TheoryData<string> Ids => new() { "CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v1", "Acrobot-v1" };

    // Everything a learner reads after each step, flattened, from envs made and stepped with fixed seeds.
    static List<float[]> Record(string id, int numEnvs, int threads, AutoresetMode mode, int steps, out int episodeEnds)
    {
        var options = new VectorEnvOptions { NumThreads = threads, AutoresetMode = mode };
        using var env = Envs.Make(id, numEnvs, seed: 1234, options);
        int actionSize = env.SingleActionSpace.FlatSize;
        var actions = new float[numEnvs * actionSize];
        var rng = new SimRandom(99);
        var rows = new List<float[]> { env.Observations.ToArray() };
        episodeEnds = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < numEnvs; i++) env.SingleActionSpace.Sample(ref rng, actions.AsSpan(i * actionSize, actionSize));
            env.Step(actions);
            rows.Add(env.Observations.ToArray());
            rows.Add(env.Rewards.ToArray());
            rows.Add(env.FinalObservations.ToArray());
            rows.Add(env.Terminated.ToArray().Select(b => b ? 1f : 0f).ToArray());
            rows.Add(env.Truncated.ToArray().Select(b => b ? 1f : 0f).ToArray());
            rows.Add(env.EpisodeStarted.ToArray().Select(b => b ? 1f : 0f).ToArray());
            foreach (var term in env.Infos.RewardTerms) rows.Add(env.Infos.Value(term).ToArray());
            for (int i = 0; i < numEnvs; i++)
                if (env.Terminated[i] || env.Truncated[i]) episodeEnds++;
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SameSeedGivesBitwiseIdenticalTrajectoriesWithOneOrTwoThreads(string id)
    {
        // 37 envs split over two threads puts partition boundaries (and CartPole's SIMD tails) at odd places.
        foreach (var mode in new[] { AutoresetMode.NextStep, AutoresetMode.SameStep })
        {
            var one = Record(id, 37, 1, mode, 1100, out int ends);
            var two = Record(id, 37, 2, mode, 1100, out _);
            Assert.True(ends > 0, $"{id} ended no episode in 1100 steps, so autoreset was not exercised");
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
    public void SteppingAllocatesNothing(string id)
    {
        using var env = Envs.Make(id, 64, seed: 5);
        int actionSize = env.SingleActionSpace.FlatSize;
        var actions = new float[64 * actionSize];
        var rng = new SimRandom(1);
        for (int i = 0; i < 64; i++) env.SingleActionSpace.Sample(ref rng, actions.AsSpan(i * actionSize, actionSize));
        for (int t = 0; t < 50; t++) env.Step(actions);
        // The runtime's one-off work (tiered JIT promotion, under load a while after warm-up) can allocate on this thread once;
        // an allocation made by stepping itself shows in every window, so one clean window of three is required.
        var allocated = new List<long>();
        for (int window = 0; window < 3 && (allocated.Count == 0 || allocated[^1] != 0); window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 300; t++) env.Step(actions);
            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(allocated[^1] == 0, $"bytes allocated by 300 steps, per window: {string.Join(", ", allocated)}");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void RewardTermsSumToTheReward(string id)
    {
        using var env = Envs.Make(id, 16, seed: 3);
        int actionSize = env.SingleActionSpace.FlatSize;
        var actions = new float[16 * actionSize];
        var rng = new SimRandom(2);
        Assert.NotEmpty(env.Infos.RewardTerms);
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < 16; i++) env.SingleActionSpace.Sample(ref rng, actions.AsSpan(i * actionSize, actionSize));
            env.Step(actions);
            for (int i = 0; i < 16; i++)
            {
                double sum = 0;
                foreach (var term in env.Infos.RewardTerms) sum += env.Infos.Value(term)[i];
                ClassicControlAssert.Close(env.Rewards[i], sum, 1e-6, $"{id} step {t} env {i}: sum of reward terms");
            }
        }
    }

    [Theory]
    [InlineData("CartPole-v1", 500, 475.0)]
    [InlineData("Pendulum-v1", 200, null)]
    [InlineData("MountainCarContinuous-v1", 999, 90.0)]
    [InlineData("Acrobot-v1", 500, -100.0)]
    public void RegistryHasGymnasiumsLimitsAndThresholds(string id, int maxEpisodeSteps, double? rewardThreshold)
    {
        var spec = Envs.Registry.Spec(id);
        Assert.Equal(maxEpisodeSteps, spec.MaxEpisodeSteps);
        Assert.Equal(rewardThreshold, spec.RewardThreshold);
    }
}
