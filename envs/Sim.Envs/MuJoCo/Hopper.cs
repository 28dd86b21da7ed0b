using Sim.Core;
using Sim.Core.Random;
using Sim.Core.Registry;
using Sim.Core.Spaces;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Hopper-v5 as <c>Hopper-v1</c>: a one-legged planar robot learning to hop along +x.</summary>
/// <remarks>
/// Observation (11): <c>qpos[1..]</c> (torso height, torso angle, thigh, leg and foot angles) and <c>qvel</c>
/// clipped to [−10, 10]; x is left out so policies cannot depend on it. Action: 3 motor controls in [−1, 1]
/// (gear 200). Reward = forward + healthy − ctrl, where forward is the x velocity of the root over the step,
/// healthy is paid only while healthy (v5) and ctrl = 1e-3 Σa² of the action as given (MuJoCo clamps the control,
/// not the cost). Healthy means torso height z &gt; 0.7, |angle| &lt; 0.2 and every entry of Gymnasium's
/// <c>state_vector()[2:]</c> (qpos[2..] and all of qvel) strictly inside ±100; the episode terminates when unhealthy.
/// Info columns: <c>reward_forward</c>, <c>reward_healthy</c>, <c>reward_ctrl</c> (the cost as a negative term; the
/// terms sum to the reward), <c>x_position</c> (qpos[0]) and <c>x_velocity</c>.
/// </remarks>
public sealed class Hopper : MuJoCoVectorEnv
{
    /// <summary>Physics steps of 2 ms per env step (8 ms).</summary>
    public const int DefaultFrameSkip = 4;

    /// <summary>Velocity observations are clipped to ±this, as in Gymnasium.</summary>
    public const double ObservedVelocityLimit = 10;

    /// <summary>Registry entry: 1000-step episodes, solved at a return of 3800.</summary>
    public static EnvSpec Spec { get; } = new("Hopper-v1", (numEnvs, options) => new Hopper(numEnvs, options),
        MaxEpisodeSteps: 1000, RewardThreshold: 3800);

    readonly double _forwardRewardWeight, _ctrlCostWeight, _healthyReward, _resetNoiseScale;
    readonly double _minHealthyZ, _maxHealthyZ, _minHealthyAngle, _maxHealthyAngle, _minHealthyState, _maxHealthyState;
    readonly bool _terminateWhenUnhealthy;
    readonly double[] _xBefore;
    readonly float[] _forwardReward, _healthyRewardTerm, _ctrlReward, _xPosition, _xVelocity;

    /// <summary>Creates <paramref name="numEnvs"/> hoppers with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="forwardRewardWeight">Weight of the root's x velocity.</param>
    /// <param name="ctrlCostWeight">Weight of Σa².</param>
    /// <param name="healthyReward">Reward per step while healthy.</param>
    /// <param name="terminateWhenUnhealthy">Whether leaving the healthy ranges ends the episode.</param>
    /// <param name="minHealthyZ">Torso height must exceed this.</param>
    /// <param name="maxHealthyZ">Torso height must stay below this.</param>
    /// <param name="minHealthyAngle">Torso angle must exceed this (radians).</param>
    /// <param name="maxHealthyAngle">Torso angle must stay below this (radians).</param>
    /// <param name="minHealthyState">Every entry of qpos[2..] and qvel must exceed this.</param>
    /// <param name="maxHealthyState">Every entry of qpos[2..] and qvel must stay below this.</param>
    /// <param name="resetNoiseScale">Half-width of the uniform noise added to qpos and qvel at reset.</param>
    public Hopper(
        int numEnvs,
        VectorEnvOptions? options = null,
        double forwardRewardWeight = 1.0,
        double ctrlCostWeight = 1e-3,
        double healthyReward = 1.0,
        bool terminateWhenUnhealthy = true,
        double minHealthyZ = 0.7,
        double maxHealthyZ = double.PositiveInfinity,
        double minHealthyAngle = -0.2,
        double maxHealthyAngle = 0.2,
        double minHealthyState = -100.0,
        double maxHealthyState = 100.0,
        double resetNoiseScale = 5e-3)
        : this(EnvAssets.LoadModel("hopper.xml"), numEnvs, options)
    {
        if (!(minHealthyZ < maxHealthyZ))
            throw new ArgumentException($"healthy z range ({minHealthyZ}, {maxHealthyZ}) is empty: expected minHealthyZ < maxHealthyZ");
        if (!(minHealthyAngle < maxHealthyAngle))
            throw new ArgumentException($"healthy angle range ({minHealthyAngle}, {maxHealthyAngle}) is empty: expected minHealthyAngle < maxHealthyAngle");
        if (!(minHealthyState < maxHealthyState))
            throw new ArgumentException($"healthy state range ({minHealthyState}, {maxHealthyState}) is empty: expected minHealthyState < maxHealthyState");
        if (!(resetNoiseScale >= 0) || double.IsInfinity(resetNoiseScale))
            throw new ArgumentOutOfRangeException(nameof(resetNoiseScale), resetNoiseScale, "expected a finite, non-negative noise scale");
        _forwardRewardWeight = forwardRewardWeight;
        _ctrlCostWeight = ctrlCostWeight;
        _healthyReward = healthyReward;
        _terminateWhenUnhealthy = terminateWhenUnhealthy;
        _minHealthyZ = minHealthyZ;
        _maxHealthyZ = maxHealthyZ;
        _minHealthyAngle = minHealthyAngle;
        _maxHealthyAngle = maxHealthyAngle;
        _minHealthyState = minHealthyState;
        _maxHealthyState = maxHealthyState;
        _resetNoiseScale = resetNoiseScale;
    }

    Hopper(MjModel model, int numEnvs, VectorEnvOptions? options)
        : base(model, numEnvs, DefaultFrameSkip, Box.Unbounded(model.nq - 1 + model.nv), ControlSpace(model), options)
    {
        _xBefore = new double[numEnvs];
        _forwardReward = AddRewardTerm("forward");
        _healthyRewardTerm = AddRewardTerm("healthy");
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

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, _resetNoiseScale, ref rng);
        SetWithUniformNoise(data.qvel, InitQvel, _resetNoiseScale, ref rng);
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
        for (int i = 0; i < qvel.Length; i++) observation[k++] = (float)Math.Clamp(qvel[i], -ObservedVelocityLimit, ObservedVelocityLimit);
    }

    protected override void BeforeSimulation(int env, MjData data) => _xBefore[env] = data.qpos[0];

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        double x = data.qpos[0];
        double xVelocity = (x - _xBefore[env]) / Dt;
        double forward = _forwardRewardWeight * xVelocity;

        bool healthy = IsHealthy(data);
        double healthyReward = healthy ? _healthyReward : 0.0;

        double sumSquaredActions = 0;
        for (int j = 0; j < action.Length; j++) sumSquaredActions += (double)action[j] * action[j];
        double ctrlCost = _ctrlCostWeight * sumSquaredActions;

        _forwardReward[env] = (float)forward;
        _healthyRewardTerm[env] = (float)healthyReward;
        _ctrlReward[env] = (float)-ctrlCost;
        _xPosition[env] = (float)x;
        _xVelocity[env] = (float)xVelocity;
        terminated = _terminateWhenUnhealthy && !healthy;
        return (float)(forward + healthyReward - ctrlCost);
    }

    // Strict inequalities throughout, as Gymnasium writes them; a NaN anywhere fails them and counts as unhealthy.
    bool IsHealthy(MjData data)
    {
        var qpos = data.qpos;
        for (int i = 2; i < qpos.Length; i++)
            if (!(qpos[i] > _minHealthyState && qpos[i] < _maxHealthyState)) return false;
        foreach (double v in data.qvel)
            if (!(v > _minHealthyState && v < _maxHealthyState)) return false;
        double z = qpos[1], angle = qpos[2];
        return z > _minHealthyZ && z < _maxHealthyZ && angle > _minHealthyAngle && angle < _maxHealthyAngle;
    }
}
