using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Spaces;
using Sim.Envs.MuJoCo;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.Mjcf;

/// <summary>A vector env over any MJCF model with actuators, doing what an <see cref="MjcfTask"/> says.</summary>
/// <remarks>
/// The action box is the actuators' control ranges (unbounded for an actuator without <c>ctrllimited</c>). Everything
/// else (stepping, frame skip, divergence handling, seeding, autoreset, saving and restoring state) is
/// <see cref="MuJoCoVectorEnv"/>'s, as for the built-in tasks.
/// </remarks>
public sealed class MjcfEnv : MuJoCoVectorEnv
{
    /// <summary>Time limit of an MJCF env from the registry or <see cref="Envs.FromMjcf"/>, as Gymnasium's locomotion tasks.</summary>
    public const int DefaultMaxEpisodeSteps = 1000;

    readonly MjcfTask _task;
    readonly MjModelView _modelView;
    readonly MjDataView[] _views;
    readonly float[][] _termColumns;
    readonly double[] _terms;

    /// <summary>Builds <paramref name="numEnvs"/> envs of <paramref name="model"/> (which the env then owns) doing <paramref name="task"/>.</summary>
    /// <param name="model">A compiled model with at least one actuator.</param>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="task">Observation, reward, termination and reset.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="source">Names the model in errors, e.g. its file.</param>
    public MjcfEnv(MjModel model, int numEnvs, MjcfTask task, VectorEnvOptions? options = null, string source = "the model")
        : base(RequireActuators(model, source), numEnvs, task.FrameSkip,
            Box.Unbounded(ObservationSizeOf(model, task, source)), ActionSpaceOf(model), options)
    {
        _task = task;
        _modelView = new MjModelView(model);
        _views = new MjDataView[numEnvs];
        for (int i = 0; i < numEnvs; i++) _views[i] = new MjDataView(Datas[i], Dt);
        _termColumns = task.RewardTerms.Select(AddRewardTerm).ToArray();
        _terms = new double[numEnvs * task.RewardTerms.Count];
    }

    /// <summary>Compiles the MJCF file at <paramref name="path"/> and builds envs doing <paramref name="task"/>; a malformed
    /// file fails with MuJoCo's own message and a model without actuators with one saying so.</summary>
    public static MjcfEnv Load(string path, int numEnvs, MjcfTask task, VectorEnvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var model = MjModel.FromXmlFile(path);
        try
        {
            return new MjcfEnv(model, numEnvs, task, options, $"MJCF file '{path}'");
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The registry entry of the MJCF file <paramref name="path"/>: the default task (<see cref="MjcfTask.ForwardVelocity"/>)
    /// with its keyword arguments, 1000-step episodes.</summary>
    public static EnvSpec SpecFor(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"MJCF file '{path}' does not exist: expected a registered env id or an MJCF file", path);
        return new EnvSpec(path, (numEnvs, options) => Load(path, numEnvs, MjcfTask.ForwardVelocity(), options), DefaultMaxEpisodeSteps)
        {
            ArgumentFactory = (numEnvs, options, arguments) =>
            {
                var task = MjcfTask.ForwardVelocity(arguments);
                arguments.ThrowIfUnused();
                return Load(path, numEnvs, task, options);
            },
        };
    }

    static MjModel RequireActuators(MjModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.nu == 0)
            throw new ArgumentException($"{source} has no actuators: an env acts through them, so add at least one (e.g. <actuator><motor joint=\"…\"/></actuator>)");
        return model;
    }

    static int ObservationSizeOf(MjModel model, MjcfTask task, string source)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.RewardTerms.Count == 0) throw new ArgumentException($"the task for {source} names no reward terms: expected at least one");
        int size = task.ObservationSize(new MjModelView(model));
        if (size < 0) throw new ArgumentException($"the task for {source} gives an observation size of {size}: expected 0 or more");
        return size;
    }

    static Box ActionSpaceOf(MjModel model)
    {
        var range = model.actuator_ctrlrange;
        var limited = model.actuator_ctrllimited;
        var low = new float[model.nu];
        var high = new float[model.nu];
        for (int i = 0; i < low.Length; i++)
        {
            low[i] = limited[i] != 0 ? (float)range[2 * i] : float.NegativeInfinity;
            high[i] = limited[i] != 0 ? (float)range[2 * i + 1] : float.PositiveInfinity;
        }
        return new Box(low, high);
    }

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        if (_task.Reset is { } reset) reset(_modelView, data.qpos, data.qvel, ref rng);
        else MjcfTask.UniformNoise(data.qpos, data.qvel, _task.ResetNoiseScale, ref rng);
    }

    protected override void ResetEnv(int env)
    {
        base.ResetEnv(env);
        _views[env].MarkStepStart();
    }

    protected override void BeforeSimulation(int env, MjData data) => _views[env].MarkStepStart();

    protected override void WriteObservation(int env, MjData data, Span<float> observation) =>
        _task.Observe(_modelView, _views[env], observation);

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        var terms = _terms.AsSpan(env * _termColumns.Length, _termColumns.Length);
        terms.Clear();
        _task.Reward(_modelView, _views[env], action, terms);
        double reward = 0;
        for (int t = 0; t < terms.Length; t++)
        {
            reward += terms[t];
            _termColumns[t][env] = (float)terms[t];
        }
        terminated = _task.Terminated?.Invoke(_modelView, _views[env]) ?? false;
        return (float)reward;
    }
}
