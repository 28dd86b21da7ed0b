using Sim.Foundation;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Random action batches for driving envs in tests: each entry uniform in [−bound, bound].</summary>
public static class UniformActions
{
    /// <summary><paramref name="count"/> values drawn in order from <paramref name="rng"/>; the bound may exceed the action box on purpose.</summary>
    public static float[] Sample(ref SimRandom rng, int count, double bound = 1)
    {
        var a = new float[count];
        for (int i = 0; i < count; i++) a[i] = (float)rng.Uniform(-bound, bound);
        return a;
    }
}
