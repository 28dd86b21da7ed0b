using System.Diagnostics;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Cli.Bench;

/// <summary>The raw mj_step loop on one mjData called from C#, separating P/Invoke cost from env overhead.</summary>
public static class PInvokeStepLoop
{
    /// <summary>Physics steps per second of <paramref name="steps"/> mj_step calls with random controls, resetting on divergence.</summary>
    public static double StepsPerSecond(MjModel model, int steps)
    {
        using var data = new MjData(model);
        var rng = new SimRandom(1);
        var ctrl = data.ctrl;
        int nu = model.nu;
        nint m = model.Ptr, d = data.Ptr;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            // Same control noise as testspeed's default use here: small Gaussian perturbations.
            for (int j = 0; j < nu; j++) ctrl[j] = 0.1 * rng.NextGaussian();
            MjNative.mj_step(m, d);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(data);
        GC.KeepAlive(model);
        return steps / seconds;
    }
}
