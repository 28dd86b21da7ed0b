using Sim.Foundation;
using Sim.Core.Trajectories;

namespace Sim.Viewer.Tests;

/// <summary>Records short random-action rollouts (with physics states where the env has them) for the tests to render.</summary>
static class Rollouts
{
    /// <summary>One sub-env's first trajectory segment of up to <paramref name="steps"/> steps, with the physics state after
    /// every step recorded by hand alongside (an independent record of what replay must reproduce).</summary>
    public static (Trajectory Trajectory, List<double[]> States) Record(string envId, int steps, ulong seed = 3)
    {
        using var env = Envs.Envs.Make(envId, 1, seed);
        var recorder = new TrajectoryRecorder(env, envId);
        env.Reset(seed);
        recorder.RecordReset(seed);
        var physics = Physics(env);
        var states = new List<double[]>();
        void Snapshot()
        {
            if (physics is null) return;
            var state = new double[physics.PhysicsStateSize];
            physics.GetPhysicsState(0, state);
            states.Add(state);
        }
        Snapshot();
        var rng = new SimRandom(seed);
        var action = new float[env.SingleActionSpace.FlatSize];
        for (int t = 0; t < steps; t++)
        {
            env.SingleActionSpace.Sample(ref rng, action);
            env.Step(action);
            recorder.RecordStep(action);
            if (env.Terminated[0] || env.Truncated[0]) break;
            Snapshot();
        }
        recorder.FlushInProgress();
        return (recorder.TakeCompleted()[0], states);
    }

    static Sim.Core.IPhysicsState? Physics(Sim.Core.IVectorEnv env)
    {
        while (env is Sim.Core.Wrappers.VectorEnvWrapper w) env = w.Inner;
        return env as Sim.Core.IPhysicsState;
    }
}
