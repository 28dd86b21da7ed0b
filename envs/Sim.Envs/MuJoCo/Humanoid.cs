using Sim.Core;
using Sim.Foundation;
using Sim.Core.Registry;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Humanoid-v5 (<c>Humanoid-v5</c>, alias <c>Humanoid-v1</c>): a 3D biped learning to walk along +x without falling.</summary>
/// <remarks>
/// Observation (348): <c>qpos[2..]</c> (22), <c>qvel</c> (23), then for the 13 bodies after the world
/// <c>cinert</c> (130) and <c>cvel</c> (78), the actuator forces on the 17 hinge dofs <c>qfrc_actuator[6..]</c>, and
/// <c>cfrc_ext</c> (78). Action: 17 motor controls in [−0.4, 0.4].
/// Reward = forward + healthy − ctrl − contact, where forward is 1.25 × the x velocity of the centre of mass
/// (the mass-weighted mean of the bodies' <c>xipos</c>), healthy is 5 while the torso height qpos[2] is in (1, 2),
/// ctrl = 0.1 Σa² and contact = min(5e-7 Σ cfrc_ext², 10). The episode terminates when the humanoid is unhealthy.
/// Info columns: <c>reward_forward</c>, <c>reward_survive</c>, <c>reward_ctrl</c>, <c>reward_contact</c> (costs as
/// negative terms that sum to the reward), <c>x_position</c> (qpos[0]) and <c>x_velocity</c> (of the centre of mass).
/// </remarks>
public sealed class Humanoid : LocomotionEnv
{
    /// <summary>Physics steps of 3 ms per env step.</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Registry entry: 1000-step episodes and no reward threshold, as in Gymnasium.</summary>
    public static EnvSpec Spec { get; } = new("Humanoid-v5", (numEnvs, options) => new Humanoid(numEnvs, options),
        MaxEpisodeSteps: 1000) { ArgumentFactory = FromArguments };

    /// <summary>Builds humanoids from Gymnasium v5's keyword arguments (<c>contact_cost_range</c>, <c>healthy_z_range</c>,
    /// …); unknown keys and bad values are errors.</summary>
    public static Humanoid FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double forward = a.Double("forward_reward_weight", 1.25), ctrl = a.Double("ctrl_cost_weight", 0.1);
        double contact = a.Double("contact_cost_weight", 5e-7);
        var contactRange = a.Range("contact_cost_range", (double.NegativeInfinity, 10.0));
        // The contact cost is never negative, so only a lower clip above zero would change it; Sim applies the upper one.
        if (contactRange.Low > 0)
            throw new ArgumentException($"env argument contact_cost_range = {a.Values["contact_cost_range"]} for Humanoid-v5: expected a low end <= 0");
        double healthy = a.Double("healthy_reward", 5.0);
        bool terminate = a.Bool("terminate_when_unhealthy", true);
        var z = a.Range("healthy_z_range", (1.0, 2.0));
        double noise = a.Double("reset_noise_scale", 1e-2);
        bool exclude = a.Bool("exclude_current_positions_from_observation", true);
        var include = HumanoidObservation.ReadIncludes(a);
        a.ThrowIfUnused();
        return new Humanoid(numEnvs, options, forward, ctrl, contact, contactRange.High, healthy, terminate, z.Low, z.High, noise,
            xmlFile, frameSkip, exclude, include.Cinert, include.Cvel, include.QfrcActuator, include.CfrcExt);
    }

    readonly HumanoidObservation _observation;

    readonly double _contactCostWeight, _maxContactCost, _minHealthyZ, _maxHealthyZ;
    readonly double[] _bodyMass;
    readonly double _totalMass;

    /// <summary>Creates <paramref name="numEnvs"/> humanoids with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="forwardRewardWeight">Weight of the centre of mass's x velocity.</param>
    /// <param name="ctrlCostWeight">Weight of Σa².</param>
    /// <param name="contactCostWeight">Weight of Σ cfrc_ext².</param>
    /// <param name="maxContactCost">Cap of the contact cost.</param>
    /// <param name="healthyReward">Reward per step while healthy.</param>
    /// <param name="terminateWhenUnhealthy">Whether leaving the healthy range ends the episode.</param>
    /// <param name="minHealthyZ">Torso heights above this (exclusive) are healthy.</param>
    /// <param name="maxHealthyZ">Torso heights below this (exclusive) are healthy.</param>
    /// <param name="resetNoiseScale">Half-width of the uniform qpos and qvel noise at reset.</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    /// <param name="excludeCurrentPositionsFromObservation">Whether the observation leaves out the torso's x and y.</param>
    /// <param name="includeCinertInObservation">Whether the observation has the bodies' <c>cinert</c> (130 values).</param>
    /// <param name="includeCvelInObservation">Whether the observation has the bodies' <c>cvel</c> (78 values).</param>
    /// <param name="includeQfrcActuatorInObservation">Whether the observation has the hinge dofs' <c>qfrc_actuator</c> (17 values).</param>
    /// <param name="includeCfrcExtInObservation">Whether the observation has the bodies' <c>cfrc_ext</c> (78 values); the contact
    /// cost uses them either way.</param>
    public Humanoid(
        int numEnvs,
        VectorEnvOptions? options = null,
        double forwardRewardWeight = 1.25,
        double ctrlCostWeight = 0.1,
        double contactCostWeight = 5e-7,
        double maxContactCost = 10.0,
        double healthyReward = 5.0,
        bool terminateWhenUnhealthy = true,
        double minHealthyZ = 1.0,
        double maxHealthyZ = 2.0,
        double resetNoiseScale = 1e-2,
        string? xmlFile = null,
        int frameSkip = DefaultFrameSkip,
        bool excludeCurrentPositionsFromObservation = true,
        bool includeCinertInObservation = true,
        bool includeCvelInObservation = true,
        bool includeQfrcActuatorInObservation = true,
        bool includeCfrcExtInObservation = true)
        : this(EnvAssets.LoadModel(xmlFile, "humanoid.xml"), numEnvs, options, forwardRewardWeight, ctrlCostWeight, healthyReward,
            terminateWhenUnhealthy, resetNoiseScale, frameSkip,
            new HumanoidObservation(excludeCurrentPositionsFromObservation ? 2 : 0, includeCinertInObservation, includeCvelInObservation,
                includeQfrcActuatorInObservation, includeCfrcExtInObservation))
    {
        if (!(minHealthyZ < maxHealthyZ))
            throw new ArgumentException($"healthy z range ({minHealthyZ}, {maxHealthyZ}) is empty: expected minHealthyZ < maxHealthyZ");
        _contactCostWeight = contactCostWeight;
        _maxContactCost = maxContactCost;
        _minHealthyZ = minHealthyZ;
        _maxHealthyZ = maxHealthyZ;
    }

    Humanoid(MjModel model, int numEnvs, VectorEnvOptions? options, double forwardRewardWeight, double ctrlCostWeight,
        double healthyReward, bool terminateWhenUnhealthy, double resetNoiseScale, int frameSkip, HumanoidObservation observation)
        : base(model, numEnvs, frameSkip, observation.Size(model), options, forwardRewardWeight, ctrlCostWeight,
            healthyReward, terminateWhenUnhealthy, hasContactCost: true, resetNoiseScale)
    {
        _observation = observation;
        _bodyMass = model.body_mass.ToArray();
        foreach (double m in _bodyMass) _totalMass += m;
    }

    protected override bool NeedsContactForces => true;

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, ResetNoiseScale, ref rng);
        SetWithUniformNoise(data.qvel, InitQvel, ResetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation) =>
        _observation.Write(data, observation);

    /// <summary>x of the centre of mass from the bodies' <c>xipos</c> (which, as in Gymnasium, mj_step leaves at the
    /// state before its last integration).</summary>
    protected override double ForwardPosition(MjData data)
    {
        var xipos = data.xipos;
        double sum = 0;
        for (int b = 0; b < _bodyMass.Length; b++) sum += _bodyMass[b] * xipos[3 * b];
        return sum / _totalMass;
    }

    // Strict inequalities, as Gymnasium writes them.
    protected override bool IsHealthy(MjData data)
    {
        double z = data.qpos[2];
        return z > _minHealthyZ && z < _maxHealthyZ;
    }

    protected override double ContactCost(MjData data)
    {
        double sumSquaredForces = 0;
        foreach (double f in data.cfrc_ext) sumSquaredForces += f * f;
        return Math.Min(_contactCostWeight * sumSquaredForces, _maxContactCost);
    }
}
