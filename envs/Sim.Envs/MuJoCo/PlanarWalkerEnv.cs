using Sim.Core;
using Sim.Core.Registry;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Base of the planar robots that walk along +x and can fall (Hopper, Walker2d), as Gymnasium's v5 builds them.</summary>
/// <remarks>
/// The model's first three joints are the planar root: rootx, rootz (torso height, qpos[1]) and rooty (torso angle,
/// qpos[2]). Observation: <c>qpos[1..]</c> and <c>qvel</c> clipped to ±<see cref="ObservedVelocityLimit"/>; x is left
/// out so policies cannot depend on it. Forward progress is that of qpos[0]. Healthy means torso height and angle
/// strictly inside their ranges (a NaN fails and counts as unhealthy). Reset: uniform noise of ±resetNoiseScale on
/// qpos and qvel.
/// </remarks>
public abstract class PlanarWalkerEnv : LocomotionEnv
{
    /// <summary>Velocity observations are clipped to ±this, as in Gymnasium.</summary>
    public const double ObservedVelocityLimit = 10;

    const int RootZ = 1, RootAngle = 2;

    readonly double _minHealthyZ, _maxHealthyZ, _minHealthyAngle, _maxHealthyAngle;
    readonly int _skippedPositions;

    /// <summary>Builds the walkers of <paramref name="model"/>; the parameters are those of the public constructors.</summary>
    protected PlanarWalkerEnv(
        MjModel model, int numEnvs, int frameSkip, VectorEnvOptions? options,
        double forwardRewardWeight, double ctrlCostWeight, double healthyReward, bool terminateWhenUnhealthy,
        double minHealthyZ, double maxHealthyZ, double minHealthyAngle, double maxHealthyAngle, double resetNoiseScale,
        bool excludeCurrentPositionsFromObservation)
        : base(model, numEnvs, frameSkip, model.nq - (excludeCurrentPositionsFromObservation ? 1 : 0) + model.nv, options,
            forwardRewardWeight, ctrlCostWeight, healthyReward, terminateWhenUnhealthy, hasContactCost: false, resetNoiseScale)
    {
        _skippedPositions = excludeCurrentPositionsFromObservation ? 1 : 0;
        if (!(minHealthyZ < maxHealthyZ))
            throw new ArgumentException($"healthy z range ({minHealthyZ}, {maxHealthyZ}) is empty: expected minHealthyZ < maxHealthyZ");
        if (!(minHealthyAngle < maxHealthyAngle))
            throw new ArgumentException($"healthy angle range ({minHealthyAngle}, {maxHealthyAngle}) is empty: expected minHealthyAngle < maxHealthyAngle");
        _minHealthyZ = minHealthyZ;
        _maxHealthyZ = maxHealthyZ;
        _minHealthyAngle = minHealthyAngle;
        _maxHealthyAngle = maxHealthyAngle;
    }

    /// <summary>The Gymnasium v5 keyword arguments Hopper and Walker2d share, as read by <see cref="ReadArguments"/>.</summary>
    protected readonly record struct WalkerArguments(
        string? XmlFile, int FrameSkip, double ForwardRewardWeight, double CtrlCostWeight, double HealthyReward, bool TerminateWhenUnhealthy,
        (double Low, double High) HealthyZ, (double Low, double High) HealthyAngle, double ResetNoiseScale, bool ExcludeCurrentPositions);

    /// <summary>Reads the shared keyword arguments with the task's defaults; the caller reads its own, then checks for unknown keys.</summary>
    protected static WalkerArguments ReadArguments(
        EnvArguments a, int frameSkip, (double Low, double High) healthyZ, (double Low, double High) healthyAngle) => new(
        a.File("xml_file"),
        a.Int("frame_skip", frameSkip, min: 1),
        a.Double("forward_reward_weight", 1.0),
        a.Double("ctrl_cost_weight", 1e-3),
        a.Double("healthy_reward", 1.0),
        a.Bool("terminate_when_unhealthy", true),
        a.Range("healthy_z_range", healthyZ),
        a.Range("healthy_angle_range", healthyAngle),
        a.Double("reset_noise_scale", 5e-3),
        a.Bool("exclude_current_positions_from_observation", true));

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, ResetNoiseScale, ref rng);
        SetWithUniformNoise(data.qvel, InitQvel, ResetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        int k = Append(observation, 0, data.qpos, skip: _skippedPositions);
        AppendClipped(observation, k, data.qvel, 0, -ObservedVelocityLimit, ObservedVelocityLimit);
    }

    protected override double ForwardPosition(MjData data) => data.qpos[0];

    /// <summary>Declares the one caption of a walker, "the <paramref name="robot"/> fell", emitted on every unhealthy step
    /// (the step that ends the episode when unhealthy states terminate).</summary>
    protected void AddFallCaption(string robot) => AddCaptions([$"the {robot} fell"]);

    protected override int Caption(MjData data, bool healthy) => healthy ? StepCaptions.None : 1;

    // Strict inequalities, as Gymnasium writes them.
    protected override bool IsHealthy(MjData data)
    {
        double z = data.qpos[RootZ], angle = data.qpos[RootAngle];
        return z > _minHealthyZ && z < _maxHealthyZ && angle > _minHealthyAngle && angle < _maxHealthyAngle;
    }
}
