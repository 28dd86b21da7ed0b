using System.Diagnostics;
using Sim.Core;
using Sim.Foundation;
using Sim.Envs;

namespace Sim.Cli.Bench;

/// <summary>Measures env steps per second of a registered env under random actions.</summary>
public static class EnvThroughput
{
    const int ActionBatches = 32;

    /// <summary>Steps <paramref name="numEnvs"/> copies of <paramref name="envId"/> on <paramref name="threads"/> threads for
    /// about <paramref name="duration"/> after a warm-up, and returns env steps (transitions) per second.</summary>
    public static double Measure(string envId, int numEnvs, int threads, TimeSpan duration)
    {
        using var env = Envs.Envs.Make(envId, numEnvs, seed: 0, new VectorEnvOptions { NumThreads = threads });
        var space = env.SingleActionSpace;
        int size = space.FlatSize;
        var actions = new float[ActionBatches][];
        var rng = new SimRandom(12345);
        for (int b = 0; b < ActionBatches; b++)
        {
            actions[b] = new float[numEnvs * size];
            for (int i = 0; i < numEnvs; i++) space.Sample(ref rng, actions[b].AsSpan(i * size, size));
        }

        RunFor(env, actions, TimeSpan.FromTicks(duration.Ticks / 4)); // warm-up: JIT tiers, caches, pools
        var (batches, elapsed) = RunFor(env, actions, duration);
        return batches * (double)numEnvs / elapsed.TotalSeconds;
    }

    static (long Batches, TimeSpan Elapsed) RunFor(IVectorEnv env, float[][] actions, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long batches = 0;
        // Check the clock every few batches only: reading it costs as much as a tiny batch.
        while (clock.Elapsed < duration)
        {
            for (int k = 0; k < 8; k++) env.Step(actions[batches++ % ActionBatches]);
        }
        return (batches, clock.Elapsed);
    }
}
