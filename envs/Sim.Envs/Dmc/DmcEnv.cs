using Sim.Core;
using Sim.Core.Spaces;
using Sim.Envs.MuJoCo;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.Dmc;

/// <summary>Base of the DeepMind Control-style tasks: dm_control's control step (several physics steps per action, data
/// kept in sync with qpos and qvel), its time limit, and dmc2gym's action repeat.</summary>
/// <remarks>
/// <para>One control step sets the controls and runs <c>physicsStepsPerControlStep</c> physics steps the way dm_control's
/// legacy step does: <c>mj_step2</c> finishes the step whose first half the previous control step (or the reset's
/// forward pass) already ran, whole <c>mj_step</c>s follow, and a final <c>mj_step1</c> brings positions, velocities and
/// position/velocity sensors up to date with the new qpos and qvel, which the observation and reward then read.
/// (Acceleration-stage sensors such as accelerometers and force sensors hold the last physics step's values, as in
/// dm_control.) With RK4 the steps are whole <c>mj_step</c>s followed by <c>mj_step1</c>.</para>
/// <para>One env step repeats the action for <c>actionRepeat</c> control steps, as dmc2gym's <c>frame_skip</c> does, and
/// its reward is the sum of the control steps' rewards, reported as the single term <c>reward_task</c>. The episode is
/// truncated once the physics time reaches the time limit (1000 control steps for every task here), so with an action
/// repeat of k it lasts 1000 / k env steps; the repeat stops early at the limit. PEBBLE (and SURF, REED) create their
/// DMC envs through dmc2gym with its default <c>frame_skip</c> of 1: one action per control step, 1000 steps an episode.
/// These tasks never terminate.</para>
/// </remarks>
public abstract class DmcEnv : MuJoCoVectorEnv
{
    /// <summary>The control steps every task's episode lasts (dm_control's time limit over its control timestep).</summary>
    public const int ControlStepsPerEpisode = 1000;

    const int Rk4 = 1; // mjtIntegrator

    readonly int _physicsStepsPerControlStep, _actionRepeat;
    readonly double _controlTimestep;
    readonly bool _legacyStep;
    readonly double[] _stepReward;
    readonly float[] _taskReward;

    /// <summary>Compiles the task over <paramref name="model"/>; the action box is the actuators' control ranges.</summary>
    /// <param name="model">The compiled model.</param>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="observationSize">Length of one observation.</param>
    /// <param name="controlTimestep">Seconds per control step; a whole number of the model's physics timesteps.</param>
    /// <param name="actionRepeat">Control steps per env step (dmc2gym's <c>frame_skip</c>).</param>
    protected DmcEnv(MjModel model, int numEnvs, VectorEnvOptions? options, int observationSize, double controlTimestep, int actionRepeat)
        : base(model, numEnvs, PhysicsStepsPer(model, controlTimestep) * CheckedRepeat(actionRepeat), Box.Unbounded(observationSize),
            ControlSpace(model), options)
    {
        _physicsStepsPerControlStep = PhysicsStepsPer(model, controlTimestep);
        _actionRepeat = actionRepeat;
        _controlTimestep = controlTimestep;
        _legacyStep = model.opt_integrator != Rk4;
        _stepReward = new double[numEnvs];
        _taskReward = AddRewardTerm("task");
    }

    /// <summary>Reads the one keyword argument these tasks take, <c>action_repeat</c> (default 1), and refuses any other.</summary>
    protected static int ReadActionRepeat(Sim.Core.Registry.EnvArguments a)
    {
        int repeat = a.Int("action_repeat", 1, min: 1);
        a.ThrowIfUnused();
        return repeat;
    }

    static int CheckedRepeat(int actionRepeat) => actionRepeat >= 1 ? actionRepeat
        : throw new ArgumentOutOfRangeException(nameof(actionRepeat), actionRepeat, "expected an action repeat of at least 1");

    // dm_control refuses a control timestep that is not a whole number of physics steps; so does Sim.
    static int PhysicsStepsPer(MjModel model, double controlTimestep)
    {
        double ratio = controlTimestep / model.Timestep;
        int steps = (int)Math.Round(ratio);
        if (steps < 1 || Math.Abs(ratio - steps) > 1e-6)
            throw new ArgumentException($"control timestep {controlTimestep} s is not a whole number of the model's {model.Timestep} s physics steps");
        return steps;
    }

    /// <summary>Control steps per env step.</summary>
    public int ActionRepeat => _actionRepeat;

    /// <summary>Seconds of simulated time per control step.</summary>
    public double ControlTimestep => _controlTimestep;

    /// <summary>The reward of one control step, from data synchronised with qpos and qvel; in [0, 1] for dm_control's tasks.</summary>
    protected abstract double ControlStepReward(int env, MjData data);

    /// <summary>Control steps of the current episode so far, from the physics time (which a saved state carries).</summary>
    protected int ControlStepsDone(MjData data) => (int)Math.Round(data.time / _controlTimestep);

    protected sealed override bool Simulate(int env, MjData data)
    {
        nint m = Model.Ptr, d = data.Ptr;
        double reward = 0;
        for (int r = 0; r < _actionRepeat && ControlStepsDone(data) < ControlStepsPerEpisode; r++)
        {
            if (_legacyStep)
            {
                MjNative.mj_step2(m, d);
                for (int k = 1; k < _physicsStepsPerControlStep; k++) MjNative.mj_step(m, d);
            }
            else
            {
                for (int k = 0; k < _physicsStepsPerControlStep; k++) MjNative.mj_step(m, d);
            }
            MjNative.mj_step1(m, d);
            if (IsDiverged(data))
            {
                // The base restores the state before the step; its reward is then that state's (see ComputeReward).
                _stepReward[env] = double.NaN;
                return false;
            }
            reward += ControlStepReward(env, data);
        }
        _stepReward[env] = reward;
        return true;
    }

    protected sealed override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        double reward = double.IsNaN(_stepReward[env]) ? ControlStepReward(env, data) : _stepReward[env];
        _taskReward[env] = (float)reward;
        terminated = false;
        if (ControlStepsDone(data) >= ControlStepsPerEpisode) TruncatedBuffer[env] = true;
        return (float)reward;
    }

    /// <summary>Reads a saved state, then runs the first half of a physics step on each env, as the control step that
    /// saved it had: a restored data has no contacts or constraint rows, and the next control step starts with
    /// <c>mj_step2</c>, which needs them. The positions and velocities it recomputes are those that were saved.</summary>
    protected override void LoadEnvState(BinaryReader reader)
    {
        base.LoadEnvState(reader);
        for (int env = 0; env < NumEnvs; env++) MjNative.mj_step1(Model.Ptr, Datas[env].Ptr);
        GC.KeepAlive(Model);
    }

    /// <summary>dm_control's <c>randomize_limited_and_rotational_joints</c> for hinge and slide joints: a limited joint gets a
    /// uniform position within its range, an unlimited hinge a uniform angle in [−π, π]; unlimited slides keep theirs.</summary>
    protected void RandomizeLimitedAndRotationalJoints(MjData data, ref SimRandom rng)
    {
        const int Slide = 2, Hinge = 3; // mjtJoint
        var qpos = data.qpos;
        var type = Model.jnt_type;
        var limited = Model.jnt_limited;
        var range = Model.jnt_range;
        var address = Model.jnt_qposadr;
        for (int j = 0; j < Model.njnt; j++)
        {
            if (type[j] != Hinge && type[j] != Slide) continue;
            if (limited[j] != 0) qpos[address[j]] = rng.Uniform(range[2 * j], range[2 * j + 1]);
            else if (type[j] == Hinge) qpos[address[j]] = rng.Uniform(-Math.PI, Math.PI);
        }
    }
}
