using Sim.Core;
using Sim.Core.Registry;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Hopper-v5 (<c>Hopper-v5</c>, alias <c>Hopper-v1</c>): a one-legged planar robot learning to hop along +x.</summary>
/// <remarks>
/// Observation (11): <c>qpos[1..]</c> (torso height, torso angle, thigh, leg and foot angles) and <c>qvel</c>
/// clipped to [−10, 10]; x is left out so policies cannot depend on it. Action: 3 motor controls in [−1, 1]
/// (gear 200). Reward = forward + healthy − ctrl, where forward is the x velocity of the root over the step,
/// healthy is paid only while healthy (v5) and ctrl = 1e-3 Σa² of the action as given (MuJoCo clamps the control,
/// not the cost). Healthy means torso height z &gt; 0.7, |angle| &lt; 0.2 and every entry of Gymnasium's
/// <c>state_vector()[2:]</c> (qpos[2..] and all of qvel) strictly inside ±100; the episode terminates when unhealthy.
/// Info columns: <c>reward_forward</c>, <c>reward_survive</c>, <c>reward_ctrl</c> (the cost as a negative term; the
/// terms sum to the reward), <c>x_position</c> (qpos[0]) and <c>x_velocity</c>.
/// </remarks>
public sealed class Hopper : PlanarWalkerEnv
{
    /// <summary>Physics steps of 2 ms per env step (8 ms).</summary>
    public const int DefaultFrameSkip = 4;

    /// <summary>Registry entry: 1000-step episodes, solved at a return of 3800.</summary>
    public static EnvSpec Spec { get; } = new("Hopper-v5", (numEnvs, options) => new Hopper(numEnvs, options),
        MaxEpisodeSteps: 1000, RewardThreshold: 3800) { ArgumentFactory = FromArguments };

    /// <summary>Builds hoppers from Gymnasium v5's keyword arguments (<c>xml_file</c>, <c>frame_skip</c>,
    /// <c>healthy_z_range</c>, …); unknown keys and bad values are errors.</summary>
    public static Hopper FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        var w = ReadArguments(a, DefaultFrameSkip, (0.7, double.PositiveInfinity), (-0.2, 0.2));
        var state = a.Range("healthy_state_range", (-100.0, 100.0));
        a.ThrowIfUnused();
        return new Hopper(numEnvs, options, w.ForwardRewardWeight, w.CtrlCostWeight, w.HealthyReward, w.TerminateWhenUnhealthy,
            w.HealthyZ.Low, w.HealthyZ.High, w.HealthyAngle.Low, w.HealthyAngle.High, state.Low, state.High, w.ResetNoiseScale,
            w.XmlFile, w.FrameSkip, w.ExcludeCurrentPositions);
    }

    readonly double _minHealthyState, _maxHealthyState;

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
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    /// <param name="excludeCurrentPositionsFromObservation">Whether the observation leaves out x (qpos[0]).</param>
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
        double resetNoiseScale = 5e-3,
        string? xmlFile = null,
        int frameSkip = DefaultFrameSkip,
        bool excludeCurrentPositionsFromObservation = true)
        : base(EnvAssets.LoadModel(xmlFile, "hopper.xml"), numEnvs, frameSkip, options, forwardRewardWeight, ctrlCostWeight, healthyReward,
            terminateWhenUnhealthy, minHealthyZ, maxHealthyZ, minHealthyAngle, maxHealthyAngle, resetNoiseScale,
            excludeCurrentPositionsFromObservation)
    {
        if (!(minHealthyState < maxHealthyState))
            throw new ArgumentException($"healthy state range ({minHealthyState}, {maxHealthyState}) is empty: expected minHealthyState < maxHealthyState");
        _minHealthyState = minHealthyState;
        _maxHealthyState = maxHealthyState;
        AddFallCaption("hopper");
    }

    // Strict inequalities, as Gymnasium writes them; a NaN anywhere fails them and counts as unhealthy.
    protected override bool IsHealthy(MjData data)
    {
        var qpos = data.qpos;
        for (int i = 2; i < qpos.Length; i++)
            if (!(qpos[i] > _minHealthyState && qpos[i] < _maxHealthyState)) return false;
        foreach (double v in data.qvel)
            if (!(v > _minHealthyState && v < _maxHealthyState)) return false;
        return base.IsHealthy(data);
    }
}
