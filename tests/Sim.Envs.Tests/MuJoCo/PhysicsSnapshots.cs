using Sim.Core;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Copies of an env's physics state [time, qpos, qvel, act] that a test can read or edit and write back.</summary>
public static class PhysicsSnapshots
{
    /// <summary>The current physics state of env <paramref name="i"/>.</summary>
    public static double[] State(IPhysicsState env, int i)
    {
        var s = new double[env.PhysicsStateSize];
        env.GetPhysicsState(i, s);
        return s;
    }
}
