using Sim.Core;
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

    /// <summary>Builds the walkers of <paramref name="model"/>; the parameters are those of the public constructors.</summary>
    protected PlanarWalkerEnv(
        MjModel model, int numEnvs, int frameSkip, VectorEnvOptions? options,
        double forwardRewardWeight, double ctrlCostWeight, double healthyReward, bool terminateWhenUnhealthy,
        double minHealthyZ, double maxHealthyZ, double minHealthyAngle, double maxHealthyAngle, double resetNoiseScale)
        : base(model, numEnvs, frameSkip, model.nq - 1 + model.nv, options, forwardRewardWeight, ctrlCostWeight,
            healthyReward, terminateWhenUnhealthy, hasContactCost: false, resetNoiseScale)
    {
        if (!(minHealthyZ < maxHealthyZ))
            throw new ArgumentException($"healthy z range ({minHealthyZ}, {maxHealthyZ}) is empty: expected minHealthyZ < maxHealthyZ");
        if (!(minHealthyAngle < maxHealthyAngle))
            throw new ArgumentException($"healthy angle range ({minHealthyAngle}, {maxHealthyAngle}) is empty: expected minHealthyAngle < maxHealthyAngle");
        _minHealthyZ = minHealthyZ;
        _maxHealthyZ = maxHealthyZ;
        _minHealthyAngle = minHealthyAngle;
        _maxHealthyAngle = maxHealthyAngle;
    }

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, ResetNoiseScale, ref rng);
        SetWithUniformNoise(data.qvel, InitQvel, ResetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        int k = Append(observation, 0, data.qpos, skip: 1);
        AppendClipped(observation, k, data.qvel, 0, -ObservedVelocityLimit, ObservedVelocityLimit);
    }

    protected override double ForwardPosition(MjData data) => data.qpos[0];

    // Strict inequalities, as Gymnasium writes them.
    protected override bool IsHealthy(MjData data)
    {
        double z = data.qpos[RootZ], angle = data.qpos[RootAngle];
        return z > _minHealthyZ && z < _maxHealthyZ && angle > _minHealthyAngle && angle < _maxHealthyAngle;
    }
}
