using Sim.Core;
using Sim.Foundation;
using Sim.Core.Wrappers;

namespace Sim.Viewer.Tests.Recording;

/// <summary>Short-episode Pendulum envs for the recording tests, and random stepping of them.</summary>
static class PendulumChain
{
    /// <summary>Pendulum-v1 with episodes cut to <paramref name="episodeSteps"/> steps by a time limit inside the filmed chain.</summary>
    public static IVectorEnv Make(int numEnvs, AutoresetMode mode, ulong seed, int episodeSteps) =>
        new TimeLimit(Envs.Envs.Make("Pendulum-v1", numEnvs, seed, new VectorEnvOptions { AutoresetMode = mode }), episodeSteps);

    /// <summary>Takes <paramref name="steps"/> steps with uniformly random actions for every sub-env.</summary>
    public static void Step(IVectorEnv env, int steps, ref SimRandom rng)
    {
        int size = env.SingleActionSpace.FlatSize;
        var actions = new float[env.NumEnvs * size];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < env.NumEnvs; i++) env.SingleActionSpace.Sample(ref rng, actions.AsSpan(i * size, size));
            env.Step(actions);
        }
    }
}
