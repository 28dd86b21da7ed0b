using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Spaces;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's InvertedDoublePendulum-v5 (<c>InvertedDoublePendulum-v5</c>): push a cart so that two stacked
/// poles stay upright.</summary>
/// <remarks>
/// Observation (9): cart x, sin and cos of both hinge angles, <c>qvel</c> clipped to ±10 (3), and the cart's
/// <c>qfrc_constraint</c> clipped to ±10. Action: 1 motor control in [−1, 1] (gear 500). After the physics steps, with
/// (x, y) the tip site's <c>site_xpos</c> x and z: terminated when y ≤ 1; reward = survive − distance − velocity, where
/// survive = 10 while not terminated, distance = 0.01 x² + (y − 2)² and velocity = 1e-3 ω1² + 5e-3 ω2² of the hinges.
/// Info columns are Gymnasium's: <c>reward_survive</c>, <c>distance_penalty</c> and <c>velocity_penalty</c> (the
/// penalties as negative terms; the three sum to the reward). Reset: uniform noise of ±0.1 on qpos, normal noise of
/// standard deviation 0.1 on qvel.
/// </remarks>
public sealed class InvertedDoublePendulum : MuJoCoVectorEnv
{
    /// <summary>Physics steps of 10 ms per env step.</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Registry entry: 1000-step episodes, solved at a return of 9100.</summary>
    public static EnvSpec Spec { get; } = new("InvertedDoublePendulum-v5", (numEnvs, options) => new InvertedDoublePendulum(numEnvs, options),
        MaxEpisodeSteps: 1000, RewardThreshold: 9100) { ArgumentFactory = FromArguments };

    /// <summary>Builds pendulums from Gymnasium v5's keyword arguments; unknown keys and bad values are errors.</summary>
    public static InvertedDoublePendulum FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double healthy = a.Double("healthy_reward", 10.0), noise = a.Double("reset_noise_scale", 0.1);
        a.ThrowIfUnused();
        return new InvertedDoublePendulum(numEnvs, options, healthy, noise, xmlFile, frameSkip);
    }

    const double ObservationClip = 10;

    readonly double _healthyReward, _resetNoiseScale;
    readonly float[] _survive, _distance, _velocity;

    /// <summary>Creates <paramref name="numEnvs"/> double pendulums with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="healthyReward">Reward per step while the tip is above 1 m.</param>
    /// <param name="resetNoiseScale">Half-width of the uniform qpos noise and std of the normal qvel noise at reset.</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    public InvertedDoublePendulum(int numEnvs, VectorEnvOptions? options = null, double healthyReward = 10.0, double resetNoiseScale = 0.1,
        string? xmlFile = null, int frameSkip = DefaultFrameSkip)
        : base(EnvAssets.LoadModel(xmlFile, "inverted_double_pendulum.xml"), numEnvs, frameSkip, Box.Unbounded(9), new Box(1, -1f, 1f), options)
    {
        if (!(resetNoiseScale >= 0) || double.IsInfinity(resetNoiseScale))
            throw new ArgumentOutOfRangeException(nameof(resetNoiseScale), resetNoiseScale, "expected a finite, non-negative noise scale");
        _healthyReward = healthyReward;
        _resetNoiseScale = resetNoiseScale;
        _survive = AddRewardTerm("survive");
        _distance = AddRewardTermColumn("distance_penalty");
        _velocity = AddRewardTermColumn("velocity_penalty");
    }

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, _resetNoiseScale, ref rng);
        SetWithNormalNoise(data.qvel, InitQvel, _resetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        var qpos = data.qpos;
        var qvel = data.qvel;
        observation[0] = (float)qpos[0];
        observation[1] = (float)Math.Sin(qpos[1]);
        observation[2] = (float)Math.Sin(qpos[2]);
        observation[3] = (float)Math.Cos(qpos[1]);
        observation[4] = (float)Math.Cos(qpos[2]);
        for (int i = 0; i < 3; i++) observation[5 + i] = (float)Math.Clamp(qvel[i], -ObservationClip, ObservationClip);
        observation[8] = (float)Math.Clamp(data.qfrc_constraint[0], -ObservationClip, ObservationClip);
    }

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        var tip = data.site_xpos;
        double x = tip[0], y = tip[2];
        var qvel = data.qvel;
        // Not (y > 1): a NaN height ends the episode too.
        terminated = !(y > 1);
        double distance = 0.01 * x * x + (y - 2) * (y - 2);
        double velocity = 1e-3 * qvel[1] * qvel[1] + 5e-3 * qvel[2] * qvel[2];
        double survive = terminated ? 0 : _healthyReward;
        _survive[env] = (float)survive;
        _distance[env] = (float)-distance;
        _velocity[env] = (float)-velocity;
        return (float)(survive - distance - velocity);
    }
}
