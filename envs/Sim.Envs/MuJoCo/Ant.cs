using Sim.Core;
using Sim.Foundation;
using Sim.Core.Registry;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Ant-v5 (<c>Ant-v5</c>, alias <c>Ant-v1</c>): a four-legged robot learning to run along +x.</summary>
/// <remarks>
/// Observation: <c>qpos[2..]</c> (13, the torso's x and y left out), <c>qvel</c> (14) and, unless
/// <c>includeContactForces</c> is false, the external forces <c>cfrc_ext</c> of the 13 bodies after the world,
/// each clipped to the contact force range (78): 105 values, or 27. Action: 8 motor controls in [−1, 1].
/// Reward = forward + healthy − ctrl − contact, where forward is the torso's x velocity over the step (from its
/// <c>xpos</c>, as Gymnasium does), healthy is paid while the torso height is in [0.2, 1] and the state is finite,
/// ctrl = 0.5 Σa² and contact = 5e-4 Σ clip(cfrc_ext)². The episode terminates when the ant is unhealthy.
/// Info columns: <c>reward_forward</c>, <c>reward_survive</c>, <c>reward_ctrl</c>, <c>reward_contact</c> (costs as
/// negative terms that sum to the reward), <c>x_position</c> (qpos[0]) and <c>x_velocity</c>.
/// </remarks>
public sealed class Ant : LocomotionEnv
{
    /// <summary>Physics steps of 10 ms per env step.</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Registry entry: 1000-step episodes, solved at a return of 6000.</summary>
    public static EnvSpec Spec { get; } = new("Ant-v5", (numEnvs, options) => new Ant(numEnvs, options),
        MaxEpisodeSteps: 1000, RewardThreshold: 6000);

    const int TorsoBody = 1;

    readonly bool _includeContactForces;
    readonly double _contactCostWeight, _minHealthyZ, _maxHealthyZ, _minContactForce, _maxContactForce;

    /// <summary>Creates <paramref name="numEnvs"/> ants with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="includeContactForces">Whether observations end with the clipped <c>cfrc_ext</c> of the bodies (105 values instead of 27).</param>
    /// <param name="forwardRewardWeight">Weight of the torso's x velocity.</param>
    /// <param name="ctrlCostWeight">Weight of Σa².</param>
    /// <param name="contactCostWeight">Weight of Σ clip(cfrc_ext)².</param>
    /// <param name="healthyReward">Reward per step while healthy.</param>
    /// <param name="terminateWhenUnhealthy">Whether leaving the healthy range ends the episode.</param>
    /// <param name="minHealthyZ">Lowest healthy torso height (inclusive).</param>
    /// <param name="maxHealthyZ">Highest healthy torso height (inclusive).</param>
    /// <param name="minContactForce">Lower clip of each <c>cfrc_ext</c> entry.</param>
    /// <param name="maxContactForce">Upper clip of each <c>cfrc_ext</c> entry.</param>
    /// <param name="resetNoiseScale">Half-width of the uniform qpos noise and std of the normal qvel noise at reset.</param>
    public Ant(
        int numEnvs,
        VectorEnvOptions? options = null,
        bool includeContactForces = true,
        double forwardRewardWeight = 1.0,
        double ctrlCostWeight = 0.5,
        double contactCostWeight = 5e-4,
        double healthyReward = 1.0,
        bool terminateWhenUnhealthy = true,
        double minHealthyZ = 0.2,
        double maxHealthyZ = 1.0,
        double minContactForce = -1.0,
        double maxContactForce = 1.0,
        double resetNoiseScale = 0.1)
        : this(EnvAssets.LoadModel("ant.xml"), numEnvs, options, includeContactForces, forwardRewardWeight, ctrlCostWeight, healthyReward,
            terminateWhenUnhealthy, resetNoiseScale)
    {
        if (!(minHealthyZ <= maxHealthyZ))
            throw new ArgumentException($"healthy z range [{minHealthyZ}, {maxHealthyZ}] is empty: expected minHealthyZ <= maxHealthyZ");
        if (!(minContactForce <= maxContactForce))
            throw new ArgumentException($"contact force range [{minContactForce}, {maxContactForce}] is empty: expected minContactForce <= maxContactForce");
        _contactCostWeight = contactCostWeight;
        _minHealthyZ = minHealthyZ;
        _maxHealthyZ = maxHealthyZ;
        _minContactForce = minContactForce;
        _maxContactForce = maxContactForce;
    }

    Ant(MjModel model, int numEnvs, VectorEnvOptions? options, bool includeContactForces, double forwardRewardWeight, double ctrlCostWeight,
        double healthyReward, bool terminateWhenUnhealthy, double resetNoiseScale)
        : base(model, numEnvs, DefaultFrameSkip, ObservationSizeOf(model, includeContactForces), options, forwardRewardWeight, ctrlCostWeight,
            healthyReward, terminateWhenUnhealthy, hasContactCost: true, resetNoiseScale)
    {
        _includeContactForces = includeContactForces;
    }

    static int ObservationSizeOf(MjModel model, bool includeContactForces) =>
        model.nq - 2 + model.nv + (includeContactForces ? (model.nbody - 1) * 6 : 0);

    protected override bool NeedsContactForces => true;

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, ResetNoiseScale, ref rng);
        SetWithNormalNoise(data.qvel, InitQvel, ResetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        int k = Append(observation, 0, data.qpos, skip: 2);
        k = Append(observation, k, data.qvel);
        // Row 0 is the world body, whose external force is always zero.
        if (_includeContactForces) AppendClipped(observation, k, data.cfrc_ext, 6, _minContactForce, _maxContactForce);
    }

    // After mj_step, xpos is the torso position before the last integration (one physics step behind qpos; current
    // after a reset). Gymnasium measures the velocity on the same values, so rewards match it step for step.
    protected override double ForwardPosition(MjData data) => data.xpos[3 * TorsoBody];

    protected override bool IsHealthy(MjData data)
    {
        var qpos = data.qpos;
        foreach (double q in qpos) if (!double.IsFinite(q)) return false;
        foreach (double v in data.qvel) if (!double.IsFinite(v)) return false;
        double z = qpos[2];
        return z >= _minHealthyZ && z <= _maxHealthyZ;
    }

    protected override double ContactCost(MjData data)
    {
        double sumSquaredForces = 0;
        foreach (double force in data.cfrc_ext)
        {
            double f = Math.Clamp(force, _minContactForce, _maxContactForce);
            sumSquaredForces += f * f;
        }
        return _contactCostWeight * sumSquaredForces;
    }
}
