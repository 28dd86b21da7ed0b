using Sim.Core;
using Sim.Core.Registry;

namespace Sim.Envs;

/// <summary>The registry of every env in this assembly, Gymnasium's <c>gym.make</c> for Sim.</summary>
public static class Envs
{
    /// <summary>All built-in env ids with their time limits and reward thresholds.</summary>
    public static EnvRegistry Registry { get; } = CreateRegistry();

    /// <summary>Builds <paramref name="numEnvs"/> copies of env <paramref name="id"/>, time-limited and reset with <paramref name="seed"/>.</summary>
    public static IVectorEnv Make(string id, int numEnvs, ulong seed = 0, VectorEnvOptions? options = null) =>
        Registry.Make(id, numEnvs, seed, options);

    static EnvRegistry CreateRegistry()
    {
        var registry = new EnvRegistry();
        foreach (var spec in Specs()) registry.Register(spec);
        return registry;
    }

    // One line per env id (each env class owns its spec).
    static IEnumerable<EnvSpec> Specs()
    {
        // classic control
        // mujoco
        yield break;
    }
}
