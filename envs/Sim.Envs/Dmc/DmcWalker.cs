using Sim.Core;
using Sim.Core.Registry;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.Dmc;

/// <summary>DeepMind Control's walker-walk and walker-run (<c>WalkerWalk-dmc</c>, <c>WalkerRun-dmc</c>): a planar biped
/// rewarded for standing tall and upright while moving forward at a target speed.</summary>
/// <remarks>
/// Model: <c>walker_dmc.xml</c> (its header lists where it differs from dm_control's). Control step 25 ms (10 physics steps
/// of 2.5 ms), 1000 control steps an episode. Observation (24): the xx and xz entries of each body's orientation matrix
/// (7 bodies × 2), the torso height, and qvel (9). Action: 6 torques in [−1, 1]. Reward per control step, with
/// tol = <see cref="Tolerance.Of"/>: stand = (3 · tol(torso z, [1.2, ∞), margin 0.6) + (1 + torso zz) / 2) / 4 and
/// reward = stand · (5 · tol(v, [s, ∞), margin s/2, linear, 0.5 at the margin) + 1) / 6, where v is the x velocity of the
/// walker's centre of mass (a subtree velocity sensor on the torso) and s is 1 m/s for walk, 8 m/s for run.
/// Reset: each limited joint uniform in its range, the torso pitch uniform in [−π, π], at rest 1.3 m up: the walker often
/// starts by falling, as in dm_control.
/// </remarks>
public sealed class DmcWalker : DmcEnv
{
    /// <summary>dm_control's control timestep for the walker, s.</summary>
    public const double DefaultControlTimestep = 0.025;

    /// <summary>Torso height from which the walker counts as standing, m.</summary>
    public const double StandHeight = 1.2;

    /// <summary>Target speed of walker-walk, m/s.</summary>
    public const double WalkSpeed = 1;

    /// <summary>Target speed of walker-run, m/s.</summary>
    public const double RunSpeed = 8;

    /// <summary>Registry entry of walker-walk: 1000-step episodes at the default action repeat of 1.</summary>
    public static EnvSpec WalkSpec { get; } = new("WalkerWalk-dmc", (numEnvs, options) => new DmcWalker(numEnvs, WalkSpeed, options),
        MaxEpisodeSteps: ControlStepsPerEpisode) { ArgumentFactory = (n, o, a) => FromArguments(n, o, a, WalkSpeed) };

    /// <summary>Registry entry of walker-run: 1000-step episodes at the default action repeat of 1.</summary>
    public static EnvSpec RunSpec { get; } = new("WalkerRun-dmc", (numEnvs, options) => new DmcWalker(numEnvs, RunSpeed, options),
        MaxEpisodeSteps: ControlStepsPerEpisode) { ArgumentFactory = (n, o, a) => FromArguments(n, o, a, RunSpeed) };

    static DmcWalker FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a, double moveSpeed)
    {
        int repeat = ReadActionRepeat(a);
        return new DmcWalker(numEnvs, moveSpeed, options, repeat);
    }

    readonly double _moveSpeed;
    readonly int _torso, _speedSensor;

    /// <summary>Creates <paramref name="numEnvs"/> walkers aiming at <paramref name="moveSpeed"/>; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="moveSpeed">Target x speed, m/s (1 for walk, 8 for run); must be positive.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="actionRepeat">Control steps per env step.</param>
    public DmcWalker(int numEnvs, double moveSpeed, VectorEnvOptions? options = null, int actionRepeat = 1)
        : this(EnvAssets.LoadModel("walker_dmc.xml"), numEnvs, moveSpeed, options, actionRepeat)
    {
    }

    DmcWalker(MjModel model, int numEnvs, double moveSpeed, VectorEnvOptions? options, int actionRepeat)
        : base(model, numEnvs, options, 2 * (model.nbody - 1) + 1 + model.nv, DefaultControlTimestep, actionRepeat)
    {
        if (!(moveSpeed > 0) || double.IsInfinity(moveSpeed))
            throw new ArgumentOutOfRangeException(nameof(moveSpeed), moveSpeed, "expected a finite, positive target speed");
        _moveSpeed = moveSpeed;
        _torso = model.NameToId(MjObject.Body, "torso");
        _speedSensor = model.sensor_adr[model.NameToId(MjObject.Sensor, "torso_subtreelinvel")];
    }

    protected override void ResetModel(MjData data, ref SimRandom rng) => RandomizeLimitedAndRotationalJoints(data, ref rng);

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        var xmat = data.xmat;
        int k = 0;
        for (int b = 1; b < Model.nbody; b++)
        {
            observation[k++] = (float)xmat[9 * b];
            observation[k++] = (float)xmat[9 * b + 2];
        }
        observation[k++] = (float)data.xpos[3 * _torso + 2];
        foreach (double v in data.qvel) observation[k++] = (float)v;
    }

    protected override double ControlStepReward(int env, MjData data)
    {
        double standing = Tolerance.Of(data.xpos[3 * _torso + 2], StandHeight, double.PositiveInfinity, margin: StandHeight / 2);
        double upright = (1 + data.xmat[9 * _torso + 8]) / 2;
        double stand = (3 * standing + upright) / 4;
        double move = Tolerance.Of(data.sensordata[_speedSensor], _moveSpeed, double.PositiveInfinity, _moveSpeed / 2,
            ToleranceSigmoid.Linear, valueAtMargin: 0.5);
        return stand * (5 * move + 1) / 6;
    }
}
