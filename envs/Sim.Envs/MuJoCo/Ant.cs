using System.Globalization;
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
        MaxEpisodeSteps: 1000, RewardThreshold: 6000) { ArgumentFactory = FromArguments };

    /// <summary>Builds ants from Gymnasium v5's keyword arguments (<c>include_cfrc_ext_in_observation</c>,
    /// <c>contact_force_range</c>, …); unknown keys and bad values are errors.</summary>
    public static Ant FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double forward = a.Double("forward_reward_weight", 1.0), ctrl = a.Double("ctrl_cost_weight", 0.5);
        double contact = a.Double("contact_cost_weight", 5e-4), healthy = a.Double("healthy_reward", 1.0);
        bool terminate = a.Bool("terminate_when_unhealthy", true);
        var z = a.Range("healthy_z_range", (0.2, 1.0));
        var force = a.Range("contact_force_range", (-1.0, 1.0));
        double noise = a.Double("reset_noise_scale", 0.1);
        bool exclude = a.Bool("exclude_current_positions_from_observation", true);
        bool includeForces = a.Bool("include_cfrc_ext_in_observation", true);
        string? mainBody = a.Text("main_body");
        a.ThrowIfUnused();
        return new Ant(numEnvs, options, includeForces, forward, ctrl, contact, healthy, terminate, z.Low, z.High, force.Low, force.High,
            noise, xmlFile, frameSkip, exclude, mainBody);
    }

    readonly bool _includeContactForces;
    readonly int _skippedPositions;
    readonly int _mainBody;
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
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    /// <param name="excludeCurrentPositionsFromObservation">Whether the observation leaves out the torso's x and y.</param>
    /// <param name="mainBody">The body whose x velocity is rewarded, by index or name (Gymnasium's <c>main_body</c>); null: body 1, the torso.</param>
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
        double resetNoiseScale = 0.1,
        string? xmlFile = null,
        int frameSkip = DefaultFrameSkip,
        bool excludeCurrentPositionsFromObservation = true,
        string? mainBody = null)
        : this(EnvAssets.LoadModel(xmlFile, "ant.xml"), numEnvs, options, includeContactForces, forwardRewardWeight, ctrlCostWeight, healthyReward,
            terminateWhenUnhealthy, resetNoiseScale, frameSkip, excludeCurrentPositionsFromObservation ? 2 : 0)
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
        _mainBody = MainBodyId(Model, mainBody);
    }

    // Gymnasium takes main_body as an index or a name; the world body (0) never moves, so it is refused.
    static int MainBodyId(MjModel model, string? mainBody)
    {
        if (mainBody is null) return 1;
        if (int.TryParse(mainBody, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
        {
            if (index < 1 || index >= model.nbody)
                throw new ArgumentException($"main_body = {index}: expected a body index from 1 to {model.nbody - 1} or a body name");
            return index;
        }
        int id = model.TryNameToId(MjObject.Body, mainBody);
        if (id < 1)
            throw new ArgumentException($"main_body = '{mainBody}': the model has no such body besides the world; expected a body index from 1 to {model.nbody - 1} or a body name");
        return id;
    }

    Ant(MjModel model, int numEnvs, VectorEnvOptions? options, bool includeContactForces, double forwardRewardWeight, double ctrlCostWeight,
        double healthyReward, bool terminateWhenUnhealthy, double resetNoiseScale, int frameSkip, int skippedPositions)
        : base(model, numEnvs, frameSkip, ObservationSizeOf(model, includeContactForces, skippedPositions), options, forwardRewardWeight,
            ctrlCostWeight, healthyReward, terminateWhenUnhealthy, hasContactCost: true, resetNoiseScale)
    {
        _includeContactForces = includeContactForces;
        _skippedPositions = skippedPositions;
    }

    static int ObservationSizeOf(MjModel model, bool includeContactForces, int skippedPositions) =>
        model.nq - skippedPositions + model.nv + (includeContactForces ? (model.nbody - 1) * 6 : 0);

    protected override bool NeedsContactForces => true;

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, ResetNoiseScale, ref rng);
        SetWithNormalNoise(data.qvel, InitQvel, ResetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        int k = Append(observation, 0, data.qpos, skip: _skippedPositions);
        k = Append(observation, k, data.qvel);
        // Row 0 is the world body, whose external force is always zero.
        if (_includeContactForces) AppendClipped(observation, k, data.cfrc_ext, 6, _minContactForce, _maxContactForce);
    }

    // After mj_step, xpos is the torso position before the last integration (one physics step behind qpos; current
    // after a reset). Gymnasium measures the velocity on the same values, so rewards match it step for step.
    protected override double ForwardPosition(MjData data) => data.xpos[3 * _mainBody];

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
