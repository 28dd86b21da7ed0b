using Sim.Core;
using Sim.Core.Checking;
using Sim.Core.Registry;
using Sim.Core.Wrappers;
using Sim.Envs.Mjcf;

namespace Sim.Envs;

/// <summary>The registry of every env in this assembly, Gymnasium's <c>gym.make</c> for Sim.</summary>
public static class Envs
{
    // Declared before Registry: static initialisers run in textual order.
    /// <summary>The Gymnasium MuJoCo tasks registered as <c>&lt;Name&gt;-v5</c> whose <c>&lt;Name&gt;-v1</c> is an alias.</summary>
    public static IReadOnlyList<string> GymnasiumV5Names { get; } =
        ["Hopper", "HalfCheetah", "Walker2d", "Ant", "Humanoid", "InvertedPendulum", "Reacher"];

    /// <summary>All built-in env ids with their time limits and reward thresholds.</summary>
    public static EnvRegistry Registry { get; } = CreateRegistry();

    /// <summary>Builds <paramref name="numEnvs"/> copies of env <paramref name="id"/>, time-limited and reset with <paramref name="seed"/>;
    /// <paramref name="arguments"/> are its keyword arguments, as Gymnasium's <c>gym.make(id, **kwargs)</c> takes them.</summary>
    public static IVectorEnv Make(string id, int numEnvs, ulong seed = 0, VectorEnvOptions? options = null,
        IReadOnlyDictionary<string, string>? arguments = null) =>
        Registry.Make(id, numEnvs, seed, options, arguments);

    /// <summary>Runs Gymnasium-style env checks (<see cref="EnvChecker"/>) on <paramref name="id"/>, a registered id or an MJCF
    /// file, built with <paramref name="arguments"/>; Gymnasium's <c>check_env</c> for Sim.</summary>
    public static EnvCheckReport Check(string id, IReadOnlyDictionary<string, string>? arguments = null)
    {
        // An unknown id, a bad argument or an unusable model is an error naming it, not a report of failed checks.
        Registry.Create(id, 1, VectorEnvOptions.Default, arguments).Dispose();
        return EnvChecker.Check(id, (numEnvs, options) => Registry.Create(id, numEnvs, options, arguments));
    }

    /// <summary>Builds <paramref name="numEnvs"/> envs of the MJCF model at <paramref name="path"/> doing <paramref name="task"/>
    /// (default: <see cref="MjcfTask.ForwardVelocity"/> with <paramref name="arguments"/>), time-limited to
    /// <paramref name="maxEpisodeSteps"/> (null: none) and reset with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The model has no actuators, or an argument is unknown or bad.</exception>
    /// <exception cref="Sim.MuJoCo.MuJoCoException">The file is not valid MJCF (MuJoCo's own message).</exception>
    public static IVectorEnv FromMjcf(string path, int numEnvs, ulong seed = 0, MjcfTask? task = null, VectorEnvOptions? options = null,
        IReadOnlyDictionary<string, string>? arguments = null, int? maxEpisodeSteps = MjcfEnv.DefaultMaxEpisodeSteps)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (task is not null && arguments is { Count: > 0 })
            throw new ArgumentException("keyword arguments configure the default task only: set a custom task's fields instead");
        var (physics, camera) = EnvRegistry.SplitCamera(arguments, path);
        if (task is null)
        {
            var parsed = new EnvArguments(physics, path);
            task = MjcfTask.ForwardVelocity(parsed);
            parsed.ThrowIfUnused();
        }
        IVectorEnv env = MjcfEnv.Load(path, numEnvs, task, options);
        try
        {
            if (camera is not null) EnvRegistry.UseDefaultCamera(env, camera, path);
            if (maxEpisodeSteps is int limit) env = new TimeLimit(env, limit);
            env.Reset(seed);
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    static EnvRegistry CreateRegistry()
    {
        var registry = new EnvRegistry();
        foreach (var spec in Specs()) registry.Register(spec);
        // The v1 ids came first and were already Gymnasium's v5 tasks; since v5 physics is exact they name the same envs.
        foreach (var name in GymnasiumV5Names) registry.RegisterAlias(name + "-v1", name + "-v5");
        // Any MJCF file is an env too, with the default task (sim train --env robot.xml).
        registry.RegisterResolver(id => id.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? MjcfEnv.SpecFor(id) : null);
        return registry;
    }

    // One line per env id (each env class owns its spec).
    static IEnumerable<EnvSpec> Specs()
    {
        // classic control
        yield return ClassicControl.CartPole.Spec;
        yield return ClassicControl.Pendulum.Spec;
        yield return ClassicControl.MountainCarContinuous.Spec;
        yield return ClassicControl.Acrobot.Spec;
        // mujoco
        yield return MuJoCo.Hopper.Spec;
        yield return MuJoCo.HalfCheetah.Spec;
        yield return MuJoCo.Walker2d.Spec;
        yield return MuJoCo.Ant.Spec;
        yield return MuJoCo.Humanoid.Spec;
        yield return MuJoCo.InvertedPendulum.Spec;
        yield return MuJoCo.Reacher.Spec;
        yield return MuJoCo.Swimmer.Spec;
        yield return MuJoCo.InvertedDoublePendulum.Spec;
        yield return MuJoCo.HumanoidStandup.Spec;
        yield return MuJoCo.Pusher.Spec;
        yield return MuJoCo.ReacherSparse.Spec;
        yield return MuJoCo.Goal.ArmReach.Spec;
        yield return MuJoCo.Goal.ArmPush.Spec;
        // DeepMind Control-style tasks, named <Domain><Task>-dmc
        yield return Dmc.DmcWalker.WalkSpec;
        yield return Dmc.DmcWalker.RunSpec;
        yield return Dmc.DmcCheetah.Spec;
        yield return Dmc.DmcQuadruped.Spec;
        yield break;
    }
}
