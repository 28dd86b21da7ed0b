using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Spaces;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's HumanoidStandup-v5 (<c>HumanoidStandup-v5</c>): a humanoid lying on its back learning to stand up.</summary>
/// <remarks>
/// Observation (348): as Humanoid-v5's (<c>qpos[2..]</c>, <c>qvel</c>, <c>cinert</c>, <c>cvel</c>, <c>qfrc_actuator[6..]</c>,
/// <c>cfrc_ext</c>). Action: 17 motor controls in [−0.4, 0.4]. After the physics steps: linup = weight × qpos[2] / timestep
/// (the torso height over one physics step, an absolute and not a relative measure), quadctrl = 0.1 Σ ctrl² of the
/// controls as given (Gymnasium reads data.ctrl, which MuJoCo does not clamp; it clamps the force), impact = min(0.5e-6 Σ cfrc_ext², 10); reward = linup − quadctrl − impact + 1.
/// Episodes never terminate. Reset: uniform noise of ±0.01 on qpos and qvel. Info columns: Gymnasium's
/// <c>reward_linup</c>, <c>reward_quadctrl</c> and <c>reward_impact</c> (costs negative), plus <c>reward_alive</c>, the
/// constant 1 Gymnasium adds without an info key, so that the terms sum to the reward.
/// </remarks>
public sealed class HumanoidStandup : MuJoCoVectorEnv
{
    /// <summary>Physics steps of 3 ms per env step.</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Registry entry: 1000-step episodes and no reward threshold, as in Gymnasium.</summary>
    public static EnvSpec Spec { get; } = new("HumanoidStandup-v5", (numEnvs, options) => new HumanoidStandup(numEnvs, options),
        MaxEpisodeSteps: 1000) { ArgumentFactory = FromArguments };

    /// <summary>Builds standing-up humanoids from Gymnasium v5's keyword arguments; unknown keys and bad values are errors.</summary>
    public static HumanoidStandup FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double uph = a.Double("uph_cost_weight", 1.0), ctrl = a.Double("ctrl_cost_weight", 0.1);
        double impact = a.Double("impact_cost_weight", 0.5e-6);
        var impactRange = a.Range("impact_cost_range", (double.NegativeInfinity, 10.0));
        double noise = a.Double("reset_noise_scale", 1e-2);
        bool exclude = a.Bool("exclude_current_positions_from_observation", true);
        var include = HumanoidObservation.ReadIncludes(a);
        a.ThrowIfUnused();
        return new HumanoidStandup(numEnvs, options, uph, ctrl, impact, impactRange.Low, impactRange.High, noise, xmlFile, frameSkip, exclude,
            include.Cinert, include.Cvel, include.QfrcActuator, include.CfrcExt);
    }

    readonly double _uphCostWeight, _ctrlCostWeight, _impactCostWeight, _minImpactCost, _maxImpactCost, _resetNoiseScale;
    readonly HumanoidObservation _observation;
    readonly float[] _linup, _quadctrl, _impact, _alive;

    /// <summary>Creates <paramref name="numEnvs"/> lying humanoids with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="uphCostWeight">Weight of the torso height term.</param>
    /// <param name="ctrlCostWeight">Weight of Σ ctrl².</param>
    /// <param name="impactCostWeight">Weight of Σ cfrc_ext².</param>
    /// <param name="minImpactCost">Lower clip of the impact cost.</param>
    /// <param name="maxImpactCost">Upper clip of the impact cost.</param>
    /// <param name="resetNoiseScale">Half-width of the uniform qpos and qvel noise at reset.</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    /// <param name="excludeCurrentPositionsFromObservation">Whether the observation leaves out the torso's x and y.</param>
    /// <param name="includeCinertInObservation">Whether the observation has the bodies' <c>cinert</c> (130 values).</param>
    /// <param name="includeCvelInObservation">Whether the observation has the bodies' <c>cvel</c> (78 values).</param>
    /// <param name="includeQfrcActuatorInObservation">Whether the observation has the hinge dofs' <c>qfrc_actuator</c> (17 values).</param>
    /// <param name="includeCfrcExtInObservation">Whether the observation has the bodies' <c>cfrc_ext</c> (78 values); the impact
    /// cost uses them either way.</param>
    public HumanoidStandup(
        int numEnvs,
        VectorEnvOptions? options = null,
        double uphCostWeight = 1.0,
        double ctrlCostWeight = 0.1,
        double impactCostWeight = 0.5e-6,
        double minImpactCost = double.NegativeInfinity,
        double maxImpactCost = 10.0,
        double resetNoiseScale = 1e-2,
        string? xmlFile = null,
        int frameSkip = DefaultFrameSkip,
        bool excludeCurrentPositionsFromObservation = true,
        bool includeCinertInObservation = true,
        bool includeCvelInObservation = true,
        bool includeQfrcActuatorInObservation = true,
        bool includeCfrcExtInObservation = true)
        : this(EnvAssets.LoadModel(xmlFile, "humanoidstandup.xml"), numEnvs, options, frameSkip,
            new HumanoidObservation(excludeCurrentPositionsFromObservation ? 2 : 0, includeCinertInObservation, includeCvelInObservation,
                includeQfrcActuatorInObservation, includeCfrcExtInObservation))
    {
        if (!(minImpactCost <= maxImpactCost))
            throw new ArgumentException($"impact cost range [{minImpactCost}, {maxImpactCost}] is empty: expected min <= max");
        if (!(resetNoiseScale >= 0) || double.IsInfinity(resetNoiseScale))
            throw new ArgumentOutOfRangeException(nameof(resetNoiseScale), resetNoiseScale, "expected a finite, non-negative noise scale");
        _uphCostWeight = uphCostWeight;
        _ctrlCostWeight = ctrlCostWeight;
        _impactCostWeight = impactCostWeight;
        _minImpactCost = minImpactCost;
        _maxImpactCost = maxImpactCost;
        _resetNoiseScale = resetNoiseScale;
    }

    HumanoidStandup(MjModel model, int numEnvs, VectorEnvOptions? options, int frameSkip, HumanoidObservation observation)
        : base(model, numEnvs, frameSkip, Box.Unbounded(observation.Size(model)), ControlSpace(model), options)
    {
        _observation = observation;
        _linup = AddRewardTerm("linup");
        _quadctrl = AddRewardTerm("quadctrl");
        _impact = AddRewardTerm("impact");
        _alive = AddRewardTerm("alive");
    }

    protected override bool NeedsContactForces => true;

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, _resetNoiseScale, ref rng);
        SetWithUniformNoise(data.qvel, InitQvel, _resetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation) =>
        _observation.Write(data, observation);

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        double linup = _uphCostWeight * data.qpos[2] / Model.Timestep;
        double squares = 0;
        foreach (double u in data.ctrl) squares += u * u;
        double quadctrl = _ctrlCostWeight * squares;
        double forces = 0;
        foreach (double f in data.cfrc_ext) forces += f * f;
        double impact = Math.Clamp(_impactCostWeight * forces, _minImpactCost, _maxImpactCost);
        _linup[env] = (float)linup;
        _quadctrl[env] = (float)-quadctrl;
        _impact[env] = (float)-impact;
        _alive[env] = 1f;
        terminated = false;
        return (float)(linup - quadctrl - impact + 1);
    }
}
