using System.Runtime.InteropServices;
using Sim.Core.Trajectories;

namespace Sim.Core.Tests.Trajectories;

/// <summary>Trajectories with awkward values, a deterministic policy, and exact (bitwise) comparison.</summary>
static class TrajectoryTestData
{
    /// <summary>Values that a lossy or text encoding would change: NaN payloads, signed zero, infinities, subnormals.</summary>
    static readonly float[] SpecialFloats =
        [float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue, 1e-40f];

    static readonly double[] SpecialDoubles =
        [double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF), -0.0, double.PositiveInfinity, double.Epsilon, double.MinValue, 1e-310];

    /// <summary>A consistent trajectory of the given shape filled with random and special values.</summary>
    public static Trajectory Make(int seed, int steps, int observationSize, int actionSize, int terms, int physicsSize,
        bool hasFinalPhysics, bool terminated = false, bool truncated = false, ulong? envSeed = 42)
    {
        var rng = new System.Random(seed);
        int physicsRows = physicsSize == 0 ? 0 : steps + (hasFinalPhysics ? 1 : 0);
        var endFlags = new bool[2][];
        for (int f = 0; f < 2; f++)
        {
            endFlags[f] = new bool[steps];
            if (steps > 0) endFlags[f][steps - 1] = f == 0 ? terminated : truncated;
        }
        return new Trajectory
        {
            EnvId = $"Fake-v{seed % 7}",
            EnvIndex = rng.Next(0, 64),
            Seed = envSeed,
            EpisodeIndex = rng.Next(0, 1000),
            FirstStep = rng.Next(0, 10),
            ObservationSize = observationSize,
            ActionSize = actionSize,
            RewardTermNames = Enumerable.Range(0, terms).Select(j => $"reward_term{j}_é").ToArray(),
            PhysicsStateSize = physicsSize,
            Steps = steps,
            Observations = Floats(rng, (steps + 1) * observationSize),
            Actions = Floats(rng, steps * actionSize),
            Rewards = Floats(rng, steps),
            RewardTerms = Floats(rng, steps * terms),
            Terminated = endFlags[0],
            Truncated = endFlags[1],
            PhysicsStates = Doubles(rng, physicsRows * physicsSize),
            HasFinalPhysicsState = physicsSize > 0 && hasFinalPhysics,
        };
    }

    /// <summary>A varied list: empty episodes, special values, with and without physics and final states, and one large trajectory.</summary>
    public static List<Trajectory> Varied() =>
    [
        Make(1, steps: 7, observationSize: 4, actionSize: 2, terms: 3, physicsSize: 5, hasFinalPhysics: true, terminated: true),
        Make(2, steps: 0, observationSize: 3, actionSize: 1, terms: 0, physicsSize: 0, hasFinalPhysics: false, envSeed: null),
        Make(3, steps: 11, observationSize: 17, actionSize: 6, terms: 2, physicsSize: 36, hasFinalPhysics: false, truncated: true, envSeed: ulong.MaxValue),
        Make(4, steps: 1, observationSize: 1, actionSize: 0, terms: 1, physicsSize: 2, hasFinalPhysics: true, terminated: true, truncated: true),
        Make(5, steps: 3000, observationSize: 27, actionSize: 8, terms: 4, physicsSize: 30, hasFinalPhysics: true),
    ];

    static float[] Floats(System.Random rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = i % 13 == 5 ? SpecialFloats[rng.Next(SpecialFloats.Length)] : (float)(rng.NextDouble() * 20 - 10);
        return values;
    }

    static double[] Doubles(System.Random rng, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
            values[i] = i % 11 == 3 ? SpecialDoubles[rng.Next(SpecialDoubles.Length)] : rng.NextDouble() * 200 - 100;
        return values;
    }

    /// <summary>A deterministic policy of the observation alone ([env, episode, step, pos]), so that runs under
    /// different autoreset modes take the same actions in the same states.</summary>
    public static void Policy(ReadOnlySpan<float> observations, Span<float> actions)
    {
        int numEnvs = actions.Length / 2;
        for (int i = 0; i < numEnvs; i++)
        {
            int env = (int)observations[i * 4], episode = (int)observations[i * 4 + 1], step = (int)observations[i * 4 + 2];
            actions[i * 2] = (env + 2 * episode + 3 * step) % 7 / 7f - 0.4f;
            actions[i * 2 + 1] = (5 * env + episode + step) % 5 / 5f - 0.5f;
        }
    }

    /// <summary>Asserts that every field and every array element (bit for bit) is equal.</summary>
    public static void AssertIdentical(Trajectory expected, Trajectory actual)
    {
        Assert.Equal(expected.EnvId, actual.EnvId);
        Assert.Equal(expected.EnvIndex, actual.EnvIndex);
        Assert.Equal(expected.Seed, actual.Seed);
        Assert.Equal(expected.EpisodeIndex, actual.EpisodeIndex);
        Assert.Equal(expected.FirstStep, actual.FirstStep);
        Assert.Equal(expected.ObservationSize, actual.ObservationSize);
        Assert.Equal(expected.ActionSize, actual.ActionSize);
        Assert.Equal(expected.RewardTermNames, actual.RewardTermNames);
        Assert.Equal(expected.PhysicsStateSize, actual.PhysicsStateSize);
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.HasFinalPhysicsState, actual.HasFinalPhysicsState);
        AssertBits(expected.Observations, actual.Observations, "observations");
        AssertBits(expected.Actions, actual.Actions, "actions");
        AssertBits(expected.Rewards, actual.Rewards, "rewards");
        AssertBits(expected.RewardTerms, actual.RewardTerms, "reward terms");
        Assert.Equal(expected.Terminated, actual.Terminated);
        Assert.Equal(expected.Truncated, actual.Truncated);
        AssertBits(expected.PhysicsStates, actual.PhysicsStates, "physics states");
    }

    static void AssertBits<T>(T[] expected, T[] actual, string what) where T : unmanaged
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        var e = MemoryMarshal.AsBytes(expected.AsSpan());
        var a = MemoryMarshal.AsBytes(actual.AsSpan());
        int size = e.Length / Math.Max(expected.Length, 1);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!e.Slice(i * size, size).SequenceEqual(a.Slice(i * size, size)))
                Assert.Fail($"{what}[{i}]: got {actual[i]} (bits {Convert.ToHexString(a.Slice(i * size, size))}), expected {expected[i]} (bits {Convert.ToHexString(e.Slice(i * size, size))})");
        }
    }
}
