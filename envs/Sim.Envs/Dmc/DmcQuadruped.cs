using Sim.Core;
using Sim.Core.Registry;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.Dmc;

/// <summary>DeepMind Control's quadruped-walk (<c>QuadrupedWalk-dmc</c>): a four-legged robot rewarded for moving forward
/// at 0.5 m/s while staying upright.</summary>
/// <remarks>
/// Model: <c>quadruped_dmc.xml</c>, Sim's own simpler quadruped (its header lists the differences from dm_control's).
/// Control step 20 ms (4 physics steps of 5 ms), 1000 control steps an episode. Observation (58), in dm_control's order:
/// the egocentric state (the 12 leg joints' positions and velocities; dm_control's also holds its 12 actuator
/// activations, which torque motors do not have), the torso velocity in its own frame (velocimeter, 3), the torso's
/// upright zz (1), the IMU (accelerometer and gyro, 6) and each toe's force and torque (24). Action: 12 torques in [−1, 1].
/// Reward per control step = upright · move, with upright = tol(torso zz, [1, ∞), margin 2, linear, 0 at the margin),
/// i.e. (1 + zz)/2, and move = tol(forward velocity, [0.5, ∞), margin 0.5, linear, 0.5 at the margin), the forward
/// velocity being the velocimeter's x (along the torso). Reset: as dm_control's, a uniformly random orientation (a
/// normalised 4-D Gaussian quaternion) with the legs at their zero pose, raised from the floor in 1 cm steps until nothing
/// touches it, at rest.
/// </remarks>
public sealed class DmcQuadruped : DmcEnv
{
    /// <summary>dm_control's control timestep for the quadruped, s.</summary>
    public const double DefaultControlTimestep = 0.02;

    /// <summary>Target speed of quadruped-walk, m/s.</summary>
    public const double WalkSpeed = 0.5;

    /// <summary>Height step of the reset's search for a pose that touches nothing, m.</summary>
    public const double DropSearchStep = 0.01;

    /// <summary>Registry entry: 1000-step episodes at the default action repeat of 1.</summary>
    public static EnvSpec Spec { get; } = new("QuadrupedWalk-dmc", (numEnvs, options) => new DmcQuadruped(numEnvs, options),
        MaxEpisodeSteps: ControlStepsPerEpisode) { ArgumentFactory = FromArguments };

    static DmcQuadruped FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        int repeat = ReadActionRepeat(a);
        return new DmcQuadruped(numEnvs, options, repeat);
    }

    const int RootPositions = 7, RootVelocities = 6;

    readonly int _torso, _velocimeter, _accelerometer, _gyro;
    readonly int[] _toeSensors;

    /// <summary>Creates <paramref name="numEnvs"/> quadrupeds; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="actionRepeat">Control steps per env step.</param>
    public DmcQuadruped(int numEnvs, VectorEnvOptions? options = null, int actionRepeat = 1)
        : this(EnvAssets.LoadModel("quadruped_dmc.xml"), numEnvs, options, actionRepeat)
    {
    }

    DmcQuadruped(MjModel model, int numEnvs, VectorEnvOptions? options, int actionRepeat)
        : base(model, numEnvs, options, ObservationSizeOf(model), DefaultControlTimestep, actionRepeat)
    {
        _torso = model.NameToId(MjObject.Body, "torso");
        _velocimeter = SensorAddress(model, "torso_velocity");
        _accelerometer = SensorAddress(model, "imu_accelerometer");
        _gyro = SensorAddress(model, "imu_gyro");
        string[] toes = ["front_left", "front_right", "back_right", "back_left"];
        _toeSensors = [.. toes.SelectMany(t => new[] { SensorAddress(model, "force_" + t), SensorAddress(model, "torque_" + t) })];
    }

    static int SensorAddress(MjModel model, string name) => model.sensor_adr[model.NameToId(MjObject.Sensor, name)];

    static int ObservationSizeOf(MjModel model) => (model.nq - RootPositions) + (model.nv - RootVelocities) + 3 + 1 + 6 + 8 * 3;

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        var qpos = data.qpos;
        double w = rng.NextGaussian(), x = rng.NextGaussian(), y = rng.NextGaussian(), z = rng.NextGaussian();
        double norm = Math.Sqrt(w * w + x * x + y * y + z * z);
        // 10 m of search is far above any pose of this robot; a model that still touches something there is broken.
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            qpos[0] = 0;
            qpos[1] = 0;
            qpos[2] = attempt * DropSearchStep;
            qpos[3] = w / norm;
            qpos[4] = x / norm;
            qpos[5] = y / norm;
            qpos[6] = z / norm;
            data.Forward();
            if (data.ncon == 0) return;
        }
        throw new InvalidOperationException("the quadruped touches something at every height up to 10 m: its model is broken");
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        int k = 0;
        var qpos = data.qpos;
        var qvel = data.qvel;
        for (int i = RootPositions; i < qpos.Length; i++) observation[k++] = (float)qpos[i];
        for (int i = RootVelocities; i < qvel.Length; i++) observation[k++] = (float)qvel[i];
        var sensors = data.sensordata;
        for (int c = 0; c < 3; c++) observation[k++] = (float)sensors[_velocimeter + c];
        observation[k++] = (float)data.xmat[9 * _torso + 8];
        for (int c = 0; c < 3; c++) observation[k++] = (float)sensors[_accelerometer + c];
        for (int c = 0; c < 3; c++) observation[k++] = (float)sensors[_gyro + c];
        foreach (int address in _toeSensors)
        {
            for (int c = 0; c < 3; c++) observation[k++] = (float)sensors[address + c];
        }
    }

    protected override double ControlStepReward(int env, MjData data)
    {
        double upright = Tolerance.Of(data.xmat[9 * _torso + 8], 1, double.PositiveInfinity, 2, ToleranceSigmoid.Linear, valueAtMargin: 0);
        double move = Tolerance.Of(data.sensordata[_velocimeter], WalkSpeed, double.PositiveInfinity, WalkSpeed, ToleranceSigmoid.Linear,
            valueAtMargin: 0.5);
        return upright * move;
    }
}
