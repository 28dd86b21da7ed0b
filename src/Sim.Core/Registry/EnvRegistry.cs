using Sim.Core;
using Sim.Core.Wrappers;

namespace Sim.Core.Registry;

/// <summary>Maps env ids to specs and builds time-limited, seeded vector envs from them.</summary>
public sealed class EnvRegistry
{
    readonly Dictionary<string, EnvSpec> _specs = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    readonly List<Func<string, EnvSpec?>> _resolvers = new();

    /// <summary>Adds <paramref name="spec"/>; ids must be unique.</summary>
    public void Register(EnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!_specs.TryAdd(spec.Id, spec)) throw new ArgumentException($"env id '{spec.Id}' is already registered");
    }

    /// <summary>Makes <paramref name="alias"/> another name of the registered id <paramref name="id"/>: it builds the
    /// same env, with the same time limit and threshold, e.g. <c>Hopper-v1</c> for <c>Hopper-v5</c>.</summary>
    public void RegisterAlias(string alias, string id)
    {
        ArgumentNullException.ThrowIfNull(alias);
        if (!_specs.ContainsKey(id)) throw new ArgumentException($"alias '{alias}' names env id '{id}', which is not registered");
        if (_specs.ContainsKey(alias) || !_aliases.TryAdd(alias, id))
            throw new ArgumentException($"env id '{alias}' is already registered");
    }

    /// <summary>Adds a way to build envs whose "id" is not registered, e.g. an MJCF file path: <paramref name="resolver"/>
    /// returns a spec for the ids it handles (throwing when one is unusable) and null for the others.</summary>
    public void RegisterResolver(Func<string, EnvSpec?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolvers.Add(resolver);
    }

    /// <summary>Registered ids, sorted; aliases are not among them (see <see cref="Aliases"/>).</summary>
    public IReadOnlyList<string> Ids => _specs.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Each alias with the id it stands for.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    /// <summary>The spec of <paramref name="id"/>; an unknown id is an error listing the known ones.</summary>
    public EnvSpec Spec(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_specs.TryGetValue(id, out var spec)) return spec;
        if (_aliases.TryGetValue(id, out var target)) return _specs[target];
        foreach (var resolver in _resolvers)
            if (resolver(id) is { } resolved) return resolved;
        var sameName = _specs.Keys.Concat(_aliases.Keys).Order(StringComparer.Ordinal).Where(k => k.Split("-v")[0] == id.Split("-v")[0]).ToList();
        var hint = sameName.Count > 0 ? $" (did you mean {string.Join(" or ", sameName)}?)" : "";
        var aliases = _aliases.Count == 0 ? ""
            : "; aliases: " + string.Join(", ", _aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} (of {a.Value})"));
        throw new KeyNotFoundException($"unknown env id '{id}'{hint}; known ids: {string.Join(", ", Ids)}{aliases}");
    }

    /// <summary>Builds <paramref name="numEnvs"/> copies of <paramref name="id"/> under its time limit and resets them
    /// with <paramref name="seed"/> (env i gets seed + i), so observations are ready to read.</summary>
    public IVectorEnv Make(string id, int numEnvs, ulong seed, VectorEnvOptions? options = null,
        IReadOnlyDictionary<string, string>? arguments = null)
    {
        var env = Create(id, numEnvs, options, arguments);
        try
        {
            env.Reset(seed);
        }
        catch
        {
            env.Dispose();
            throw;
        }
        return env;
    }

    /// <summary>Builds <paramref name="numEnvs"/> copies of <paramref name="id"/> under its time limit without resetting
    /// them, for an owner that resets the whole env chain it wraps around them (a trainer): resetting here as well would
    /// reset every env twice. <paramref name="arguments"/> are the env's keyword arguments (key to text, as
    /// <c>--env-arg</c> gives them); an env that takes none, or a key it does not know, is an error.</summary>
    public IVectorEnv Create(string id, int numEnvs, VectorEnvOptions? options = null, IReadOnlyDictionary<string, string>? arguments = null)
    {
        var spec = Spec(id);
        options ??= VectorEnvOptions.Default;
        if (arguments is { Count: > 0 } && spec.ArgumentFactory is null)
            throw new ArgumentException(
                $"{id} takes no env arguments (given: {string.Join(", ", arguments.Keys)}); the Gymnasium v5 tasks and MJCF files do");
        var (physics, camera) = SplitCamera(arguments, id);
        IVectorEnv env = physics.Count == 0 ? spec.Factory(numEnvs, options) : spec.ArgumentFactory!(numEnvs, options, new EnvArguments(physics, id));
        if (camera is not null)
        {
            try
            {
                UseDefaultCamera(env, camera, id);
            }
            catch
            {
                env.Dispose();
                throw;
            }
        }
        return spec.MaxEpisodeSteps is int limit ? new TimeLimit(env, limit) : env;
    }

    /// <summary>Takes Gymnasium's <c>default_camera_config</c> out of <paramref name="arguments"/>: it sets how the env is
    /// rendered, which the env's own factory does not deal with.</summary>
    public static (IReadOnlyDictionary<string, string> Physics, DefaultCameraConfig? Camera) SplitCamera(
        IReadOnlyDictionary<string, string>? arguments, string id)
    {
        if (arguments is null) return (new Dictionary<string, string>(), null);
        if (!arguments.TryGetValue(DefaultCameraConfig.ArgumentName, out var text)) return (arguments, null);
        var camera = DefaultCameraConfig.Parse(text, id);
        return (arguments.Where(kv => kv.Key != DefaultCameraConfig.ArgumentName).ToDictionary(kv => kv.Key, kv => kv.Value), camera);
    }

    /// <summary>Gives <paramref name="camera"/> to the env in <paramref name="env"/>'s wrapper chain that renders through a
    /// MuJoCo camera.</summary>
    /// <exception cref="ArgumentException">No env in the chain is rendered through a MuJoCo camera, or an id is not in its model.</exception>
    public static void UseDefaultCamera(IVectorEnv env, DefaultCameraConfig camera, string id)
    {
        for (IVectorEnv? current = env; current != null; current = (current as VectorEnvWrapper)?.Inner)
        {
            if (current is IDefaultCameraEnv target)
            {
                target.UseDefaultCamera(camera, id);
                return;
            }
        }
        throw new ArgumentException($"env argument {DefaultCameraConfig.ArgumentName} for {id}: the env is not rendered through a MuJoCo camera");
    }
}
