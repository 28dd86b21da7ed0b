using Sim.Core;
using Sim.Core.Registry;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Base of MuJoCo tasks: one shared model, one mjData per env, frame skipping and divergence handling.</summary>
/// <remarks>
/// A diverging simulation (MuJoCo's bad qpos/qvel/qacc warnings; MuJoCo resets the data itself when
/// it sees them) ends the episode as truncated with the <c>diverged</c> info flag. The env goes back to
/// the state before the failed step, and the observation and reward are those of that last valid state
/// (as if the step had not moved anything), so no NaN and no made-up value ever reaches a learner.
/// A step whose reward is not finite (a huge but finite action, say 1e30, whose control cost overflows float while
/// MuJoCo clamps the control itself) is handled the same way; when even the last valid state's reward is not finite
/// under that action, the reward and its terms are 0 rather than an infinity.
/// </remarks>
public abstract partial class MuJoCoVectorEnv : VectorEnv, IPhysicsState, IDefaultCameraEnv
{
    readonly bool[] _diverged;
    readonly double[] _preStepStates;
    readonly double[] _finalStates;
    int[]? _captionCodes;

    /// <summary>Compiles <paramref name="model"/> once and makes one data per env.</summary>
    protected MuJoCoVectorEnv(MjModel model, int numEnvs, int frameSkip, Space observationSpace, Space actionSpace, VectorEnvOptions? options)
        : base(numEnvs, observationSpace, actionSpace, options)
    {
        if (frameSkip < 1) throw new ArgumentOutOfRangeException(nameof(frameSkip), frameSkip, "expected at least one physics step per env step");
        Model = model;
        FrameSkip = frameSkip;
        if (actionSpace.FlatSize != model.nu)
            throw new ArgumentException($"action space has {actionSpace.FlatSize} dims but the model has {model.nu} actuators");
        Datas = new MjData[numEnvs];
        for (int i = 0; i < numEnvs; i++) Datas[i] = new MjData(model);
        InitQpos = model.qpos0.ToArray();
        InitQvel = new double[model.nv];
        _diverged = Infos.AddFlag("diverged");
        _preStepStates = new double[numEnvs * PhysicsStateSize];
        // Only a same-step autoreset overwrites the final state before anyone can read it.
        _finalStates = AutoresetMode == AutoresetMode.SameStep ? new double[numEnvs * PhysicsStateSize] : [];
    }

    /// <summary>The compiled model, shared read-only by all envs.</summary>
    public MjModel Model { get; }

    /// <inheritdoc/>
    public DefaultCameraConfig? DefaultCamera { get; private set; }

    /// <inheritdoc/>
    public void UseDefaultCamera(DefaultCameraConfig config, string envId)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.CheckAgainstModel(Model.nbody, Model.ncam, envId);
        DefaultCamera = config;
    }

    /// <summary>Physics state of each env.</summary>
    protected MjData[] Datas { get; }

    /// <summary>Physics steps per env step.</summary>
    public int FrameSkip { get; }

    /// <summary>Seconds of simulated time per env step.</summary>
    public double Dt => Model.Timestep * FrameSkip;

    /// <summary>The model's default qpos, the centre of reset noise.</summary>
    protected double[] InitQpos { get; }

    /// <summary>Zero velocities, the centre of reset noise.</summary>
    protected double[] InitQvel { get; }

    /// <summary>Declares the event captions the task emits (<see cref="StepInfos.Captions"/>) and returns the code column
    /// its <see cref="ComputeReward"/> writes; every step starts from <see cref="StepCaptions.None"/>.</summary>
    protected int[] AddCaptions(IReadOnlyList<string> vocabulary) => _captionCodes = Infos.AddCaptions(vocabulary);

    /// <summary>The caption code column, once <see cref="AddCaptions"/> declared the vocabulary; else null.</summary>
    protected int[]? CaptionCodes => _captionCodes;

    /// <summary>Physics state of env <paramref name="env"/> (read-only use: viewers, recorders).</summary>
    public MjData Data(int env) => Datas[env];

    /// <summary>Sets the initial qpos/qvel of a freshly reset data (typically InitQpos/InitQvel plus noise).</summary>
    protected abstract void ResetModel(MjData data, ref SimRandom rng);

    /// <summary>Writes the observation of <paramref name="data"/> into <paramref name="observation"/>.</summary>
    protected abstract void WriteObservation(int env, MjData data, Span<float> observation);

    /// <summary>Called before the physics steps of env <paramref name="env"/>, e.g. to remember the x position.</summary>
    protected virtual void BeforeSimulation(int env, MjData data) { }

    /// <summary>Copies the action into the controls; MuJoCo clamps them to the actuators' ctrlrange.</summary>
    protected virtual void ApplyAction(MjData data, ReadOnlySpan<float> action)
    {
        var ctrl = data.ctrl;
        for (int j = 0; j < action.Length; j++) ctrl[j] = action[j];
    }

    /// <summary>Computes the reward (and writes its terms for <paramref name="env"/>) after the physics steps; sets terminated.</summary>
    protected abstract float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated);

    /// <summary>Whether the physics steps need <c>cfrc_ext</c>/<c>cacc</c> (contact-force observations or costs).</summary>
    protected virtual bool NeedsContactForces => false;

    protected override void ResetEnv(int env)
    {
        var data = Datas[env];
        if (_finalStates.Length != 0) GetPhysicsState(env, _finalStates.AsSpan(env * PhysicsStateSize, PhysicsStateSize));
        data.Reset();
        ResetModel(data, ref Rngs[env]);
        data.Forward();
        if (NeedsContactForces) MjNative.mj_rnePostConstraint(Model.Ptr, data.Ptr);
        _diverged[env] = false;
        // The caption is left alone: under same-step autoreset this reset runs inside the step that ended the episode,
        // whose caption ("the hopper fell") must still be there when the step returns. The next step clears it.
        WriteObservation(env, data, ObservationBuffer.AsSpan(env * ObservationSize, ObservationSize));
    }

    protected override void StepRange(int start, int end)
    {
        nint m = Model.Ptr;
        for (int env = start; env < end; env++)
        {
            _diverged[env] = false;
            if (_captionCodes is not null) _captionCodes[env] = StepCaptions.None;
            if (ResetPending[env]) continue;
            var data = Datas[env];
            var action = new ReadOnlySpan<float>(ActionBuffer, env * ActionSize, ActionSize);
            var observation = ObservationBuffer.AsSpan(env * ObservationSize, ObservationSize);
            var preStepState = _preStepStates.AsSpan(env * PhysicsStateSize, PhysicsStateSize);
            GetPhysicsState(env, preStepState);
            ApplyAction(data, action);
            BeforeSimulation(env, data);
            if (!Simulate(env, data))
            {
                Diverge(env, data, action, observation, preStepState);
                continue;
            }
            if (NeedsContactForces) MjNative.mj_rnePostConstraint(m, data.Ptr);
            WriteObservation(env, data, observation);
            float reward = ComputeReward(env, data, action, out bool terminated);
            if (!float.IsFinite(reward))
            {
                Diverge(env, data, action, observation, preStepState);
                continue;
            }
            RewardBuffer[env] = reward;
            TerminatedBuffer[env] = terminated;
        }
        GC.KeepAlive(Model);
    }

    // Back to the state before the step, truncated with the diverged flag: see the class remarks.
    void Diverge(int env, MjData data, ReadOnlySpan<float> action, Span<float> observation, ReadOnlySpan<double> preStepState)
    {
        _diverged[env] = true;
        RestoreState(env, preStepState);
        WriteObservation(env, data, observation);
        float reward = ComputeReward(env, data, action, out _);
        if (!float.IsFinite(reward))
        {
            reward = 0f;
            ClearRewardTerms(env);
        }
        // The restored state did not happen in this step, so whatever ComputeReward captioned from it is not an event.
        if (_captionCodes is not null) _captionCodes[env] = StepCaptions.None;
        RewardBuffer[env] = reward;
        TruncatedBuffer[env] = true;
    }

    /// <summary>Runs the physics of one env step of <paramref name="env"/> (<see cref="FrameSkip"/> calls of <c>mj_step</c>);
    /// returns false as soon as the simulation diverges.</summary>
    protected virtual bool Simulate(int env, MjData data)
    {
        nint m = Model.Ptr, d = data.Ptr;
        for (int k = 0; k < FrameSkip; k++)
        {
            MjNative.mj_step(m, d);
            if (IsDiverged(data)) return false;
        }
        return true;
    }

    /// <summary>Whether MuJoCo warned of a bad qpos, qvel or qacc since the last reset, i.e. the simulation diverged.</summary>
    protected static bool IsDiverged(MjData data) =>
        data.WarningCount(MjWarning.BadQacc) > 0 || data.WarningCount(MjWarning.BadQpos) > 0 || data.WarningCount(MjWarning.BadQvel) > 0;

    /// <summary>Adds uniform noise in [-scale, scale] to each value, as Gymnasium's MuJoCo resets do.</summary>
    protected static void SetWithUniformNoise(Span<double> target, ReadOnlySpan<double> centre, double scale, ref SimRandom rng)
    {
        for (int i = 0; i < target.Length; i++) target[i] = centre[i] + rng.Uniform(-scale, scale);
    }

    /// <summary>Adds normal noise with standard deviation <paramref name="scale"/> to each value (the velocity reset of
    /// Gymnasium's HalfCheetah and Ant).</summary>
    protected static void SetWithNormalNoise(Span<double> target, ReadOnlySpan<double> centre, double scale, ref SimRandom rng)
    {
        for (int i = 0; i < target.Length; i++) target[i] = centre[i] + scale * rng.NextGaussian();
    }

    /// <summary>The action box of the actuators' control ranges, as Gymnasium builds it.</summary>
    protected static Box ControlSpace(MjModel model)
    {
        var range = model.actuator_ctrlrange;
        var low = new float[model.nu];
        var high = new float[model.nu];
        for (int i = 0; i < low.Length; i++)
        {
            low[i] = (float)range[2 * i];
            high[i] = (float)range[2 * i + 1];
        }
        return new Box(low, high);
    }

    public int PhysicsStateSize => 1 + Model.nq + Model.nv + Model.na;

    public void GetPhysicsState(int env, Span<double> destination)
    {
        CheckEnv(env);
        if (destination.Length != PhysicsStateSize)
            throw new ArgumentException($"state destination has length {destination.Length}, expected {PhysicsStateSize} (time, qpos, qvel, act)");
        var data = Datas[env];
        destination[0] = data.time;
        data.qpos.CopyTo(destination.Slice(1));
        data.qvel.CopyTo(destination.Slice(1 + Model.nq));
        data.act.CopyTo(destination.Slice(1 + Model.nq + Model.nv));
    }

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="env"/> is not an env of this batch.</exception>
    /// <exception cref="ArgumentException">The state has the wrong length or holds NaN or an infinity.</exception>
    public void SetPhysicsState(int env, ReadOnlySpan<double> state)
    {
        CheckEnv(env);
        if (state.Length != PhysicsStateSize)
            throw new ArgumentException($"state has length {state.Length}, expected {PhysicsStateSize} (time, qpos, qvel, act)");
        for (int i = 0; i < state.Length; i++)
        {
            // MuJoCo would take it and hand back NaN observations (or render black frames) without a word.
            if (!double.IsFinite(state[i]))
                throw new ArgumentException($"state[{i}] ({StateComponent(i)}) = {state[i]} for env {env}: physics states must be finite", nameof(state));
        }
        RestoreState(env, state);
    }

    void RestoreState(int env, ReadOnlySpan<double> state)
    {
        var data = Datas[env];
        data.time = state[0];
        state.Slice(1, Model.nq).CopyTo(data.qpos);
        state.Slice(1 + Model.nq, Model.nv).CopyTo(data.qvel);
        state.Slice(1 + Model.nq + Model.nv, Model.na).CopyTo(data.act);
        data.Forward();
        if (NeedsContactForces) MjNative.mj_rnePostConstraint(Model.Ptr, data.Ptr);
    }

    void CheckEnv(int env)
    {
        if ((uint)env >= (uint)NumEnvs)
            throw new ArgumentOutOfRangeException(nameof(env), env, $"env {env} does not exist: this batch has {NumEnvs} env{(NumEnvs == 1 ? "" : "s")} (indices 0 to {NumEnvs - 1})");
    }

    // Names index i of the [time, qpos, qvel, act] layout, for error messages.
    string StateComponent(int i) =>
        i == 0 ? "time"
        : i <= Model.nq ? $"qpos[{i - 1}]"
        : i <= Model.nq + Model.nv ? $"qvel[{i - 1 - Model.nq}]"
        : $"act[{i - 1 - Model.nq - Model.nv}]";

    public bool TryGetFinalPhysicsState(int env, Span<double> destination)
    {
        CheckEnv(env);
        if (_finalStates.Length == 0)
        {
            // Next-step autoreset keeps the ended episode's state until the following step.
            GetPhysicsState(env, destination);
            return true;
        }
        if (destination.Length != PhysicsStateSize)
            throw new ArgumentException($"state destination has length {destination.Length}, expected {PhysicsStateSize} (time, qpos, qvel, act)");
        _finalStates.AsSpan(env * PhysicsStateSize, PhysicsStateSize).CopyTo(destination);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var d in Datas) d.Dispose();
        Model.Dispose();
    }
}
