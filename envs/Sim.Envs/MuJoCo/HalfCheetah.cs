using Sim.Core;
using Sim.Core.Random;
using Sim.Core.Registry;
using Sim.Core.Spaces;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's HalfCheetah-v5 as <c>HalfCheetah-v1</c>: a planar two-legged runner learning to run along +x.</summary>
/// <remarks>
/// Observation (17): <c>qpos[1..]</c> (torso height, torso angle, then back thigh, shin, foot and front thigh, shin,
/// foot angles) and <c>qvel</c>, unclipped; x is left out. Action: 6 motor controls in [−1, 1] with gears
/// 120, 90, 60, 120, 60, 30. Reward = forward − ctrl, where forward is the x velocity of the root over the step and
/// ctrl = 0.1 Σa² of the action as given. The cheetah cannot fall: episodes never terminate, only the registry's
/// time limit ends them. Info columns: <c>reward_forward</c>, <c>reward_ctrl</c> (the cost as a negative term; the
/// terms sum to the reward), <c>x_position</c> (qpos[0]) and <c>x_velocity</c>.
/// </remarks>
public sealed class HalfCheetah : MuJoCoVectorEnv
{
    /// <summary>Physics steps of 10 ms per env step (50 ms).</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Registry entry: 1000-step episodes, solved at a return of 4800.</summary>
    public static EnvSpec Spec { get; } = new("HalfCheetah-v1", (numEnvs, options) => new HalfCheetah(numEnvs, options),
        MaxEpisodeSteps: 1000, RewardThreshold: 4800);

    readonly double _forwardRewardWeight, _ctrlCostWeight, _resetNoiseScale;
    readonly double[] _xBefore;
    readonly float[] _forwardReward, _ctrlReward, _xPosition, _xVelocity;

    /// <summary>Creates <paramref name="numEnvs"/> cheetahs with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="forwardRewardWeight">Weight of the root's x velocity.</param>
    /// <param name="ctrlCostWeight">Weight of Σa².</param>
    /// <param name="resetNoiseScale">Half-width of the uniform qpos noise and std of the normal qvel noise at reset.</param>
    public HalfCheetah(
        int numEnvs,
        VectorEnvOptions? options = null,
        double forwardRewardWeight = 1.0,
        double ctrlCostWeight = 0.1,
        double resetNoiseScale = 0.1)
        : this(EnvAssets.LoadModel("half_cheetah.xml"), numEnvs, options)
    {
        if (!(resetNoiseScale >= 0) || double.IsInfinity(resetNoiseScale))
            throw new ArgumentOutOfRangeException(nameof(resetNoiseScale), resetNoiseScale, "expected a finite, non-negative noise scale");
        _forwardRewardWeight = forwardRewardWeight;
        _ctrlCostWeight = ctrlCostWeight;
        _resetNoiseScale = resetNoiseScale;
    }

    HalfCheetah(MjModel model, int numEnvs, VectorEnvOptions? options)
        : base(model, numEnvs, DefaultFrameSkip, Box.Unbounded(model.nq - 1 + model.nv), ControlSpace(model), options)
    {
        _xBefore = new double[numEnvs];
        _forwardReward = AddRewardTerm("forward");
        _ctrlReward = AddRewardTerm("ctrl");
        _xPosition = Infos.AddValue("x_position");
        _xVelocity = Infos.AddValue("x_velocity");
    }

    /// <summary>The action box is the actuators' control ranges, as Gymnasium builds it.</summary>
    static Box ControlSpace(MjModel model)
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

    // Gymnasium's cheetah starts with much more noise than the hoppers, and normal (not uniform) velocities.
    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, _resetNoiseScale, ref rng);
        var qvel = data.qvel;
        for (int i = 0; i < qvel.Length; i++) qvel[i] = InitQvel[i] + _resetNoiseScale * rng.NextGaussian();
    }

    protected override void ResetEnv(int env)
    {
        base.ResetEnv(env);
        _xPosition[env] = (float)Datas[env].qpos[0];
        _xVelocity[env] = 0f;
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        var qpos = data.qpos;
        var qvel = data.qvel;
        int k = 0;
        for (int i = 1; i < qpos.Length; i++) observation[k++] = (float)qpos[i];
        for (int i = 0; i < qvel.Length; i++) observation[k++] = (float)qvel[i];
    }

    protected override void BeforeSimulation(int env, MjData data) => _xBefore[env] = data.qpos[0];

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        double x = data.qpos[0];
        double xVelocity = (x - _xBefore[env]) / Dt;
        double forward = _forwardRewardWeight * xVelocity;

        double sumSquaredActions = 0;
        for (int j = 0; j < action.Length; j++) sumSquaredActions += (double)action[j] * action[j];
        double ctrlCost = _ctrlCostWeight * sumSquaredActions;

        _forwardReward[env] = (float)forward;
        _ctrlReward[env] = (float)-ctrlCost;
        _xPosition[env] = (float)x;
        _xVelocity[env] = (float)xVelocity;
        terminated = false;
        return (float)(forward - ctrlCost);
    }
}
