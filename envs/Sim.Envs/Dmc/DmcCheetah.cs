using Sim.Core;
using Sim.Core.Registry;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.Dmc;

/// <summary>DeepMind Control's cheetah-run (<c>CheetahRun-dmc</c>): a planar two-legged runner rewarded linearly for
/// speed up to 10 m/s.</summary>
/// <remarks>
/// Model: Sim's HalfCheetah-v5 body (<c>half_cheetah.xml</c>, Gymnasium's parameters) with a subtree velocity sensor on
/// the torso added. dm_control's cheetah is the same design, but its file was not compared with ours parameter by
/// parameter: contact and joint-limit softness, self-collision and gears may differ. Control step 10 ms (one physics
/// step), 1000 control steps an episode. Observation (17): qpos without rootx (8) and qvel (9). Action: 6 torques in
/// [−1, 1]. Reward per control step = tol(v, [10, ∞), margin 10, linear, 0 at the margin), i.e. v/10 clipped to [0, 1],
/// where v is the x velocity of the centre of mass. Reset: each limited joint uniform in its range, then 200 physics
/// steps without control to let the cheetah settle, after which the clock restarts at 0.
/// </remarks>
public sealed class DmcCheetah : DmcEnv
{
    /// <summary>dm_control's control timestep for the cheetah, s.</summary>
    public const double DefaultControlTimestep = 0.01;

    /// <summary>Speed at which the reward saturates, m/s.</summary>
    public const double RunSpeed = 10;

    /// <summary>Physics steps the cheetah settles for at reset.</summary>
    public const int SettlingSteps = 200;

    /// <summary>Registry entry: 1000-step episodes at the default action repeat of 1.</summary>
    public static EnvSpec Spec { get; } = new("CheetahRun-dmc", (numEnvs, options) => new DmcCheetah(numEnvs, options),
        MaxEpisodeSteps: ControlStepsPerEpisode) { ArgumentFactory = FromArguments };

    static DmcCheetah FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        int repeat = ReadActionRepeat(a);
        return new DmcCheetah(numEnvs, options, repeat);
    }

    const string SpeedSensor = "<sensor><subtreelinvel name=\"torso_subtreelinvel\" body=\"torso\"/></sensor>";

    readonly int _speedSensor;

    /// <summary>Creates <paramref name="numEnvs"/> cheetahs; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="actionRepeat">Control steps per env step.</param>
    public DmcCheetah(int numEnvs, VectorEnvOptions? options = null, int actionRepeat = 1)
        : this(LoadModel(), numEnvs, options, actionRepeat)
    {
    }

    DmcCheetah(MjModel model, int numEnvs, VectorEnvOptions? options, int actionRepeat)
        : base(model, numEnvs, options, model.nq - 1 + model.nv, DefaultControlTimestep, actionRepeat)
    {
        _speedSensor = model.sensor_adr[model.NameToId(MjObject.Sensor, "torso_subtreelinvel")];
    }

    // The HalfCheetah-v5 model plus the one sensor the reward reads, so the two tasks share one body.
    static MjModel LoadModel() => MjModel.FromXmlString(
        EnvAssets.ReadText("half_cheetah.xml").Replace("</mujoco>", SpeedSensor + "</mujoco>", StringComparison.Ordinal), "cheetah_dmc.xml");

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        var qpos = data.qpos;
        var limited = Model.jnt_limited;
        var range = Model.jnt_range;
        var address = Model.jnt_qposadr;
        for (int j = 0; j < Model.njnt; j++)
        {
            if (limited[j] != 0) qpos[address[j]] = rng.Uniform(range[2 * j], range[2 * j + 1]);
        }
        data.Forward();
        nint m = Model.Ptr, d = data.Ptr;
        for (int k = 0; k < SettlingSteps; k++) MjNative.mj_step(m, d);
        data.time = 0;
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        int k = 0;
        var qpos = data.qpos;
        for (int i = 1; i < qpos.Length; i++) observation[k++] = (float)qpos[i];
        foreach (double v in data.qvel) observation[k++] = (float)v;
    }

    protected override double ControlStepReward(int env, MjData data) =>
        Tolerance.Of(data.sensordata[_speedSensor], RunSpeed, double.PositiveInfinity, RunSpeed, ToleranceSigmoid.Linear, valueAtMargin: 0);
}
