using Sim.Core;
using Sim.Core.Registry;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Swimmer-v5 (<c>Swimmer-v5</c>): three links in a viscous fluid learning to swim along +x.</summary>
/// <remarks>
/// Observation (8): <c>qpos[2..]</c> (body angle, two joint angles) and <c>qvel</c> (5), unclipped; x and y are left out.
/// Action: 2 motor controls in [−1, 1] (gear 150). Reward = forward − ctrl, where forward is the x velocity of qpos[0]
/// over the step and ctrl = 1e-4 Σa² of the action as given. Episodes never terminate. Reset: uniform noise of ±0.1 on
/// qpos and qvel. Info columns: <c>reward_forward</c>, <c>reward_ctrl</c> (the terms sum to the reward),
/// <c>x_position</c> and <c>x_velocity</c>.
/// </remarks>
public sealed class Swimmer : UnfallingRunnerEnv
{
    /// <summary>Physics steps of 10 ms per env step (40 ms).</summary>
    public const int DefaultFrameSkip = 4;

    /// <summary>Registry entry: 1000-step episodes, solved at a return of 360.</summary>
    public static EnvSpec Spec { get; } = new("Swimmer-v5", (numEnvs, options) => new Swimmer(numEnvs, options),
        MaxEpisodeSteps: 1000, RewardThreshold: 360) { ArgumentFactory = FromArguments };

    /// <summary>Builds swimmers from Gymnasium v5's keyword arguments; unknown keys and bad values are errors.</summary>
    public static Swimmer FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double forward = a.Double("forward_reward_weight", 1.0), ctrl = a.Double("ctrl_cost_weight", 1e-4);
        double noise = a.Double("reset_noise_scale", 0.1);
        bool exclude = a.Bool("exclude_current_positions_from_observation", true);
        a.ThrowIfUnused();
        return new Swimmer(numEnvs, options, forward, ctrl, noise, xmlFile, frameSkip, exclude);
    }

    /// <summary>Creates <paramref name="numEnvs"/> swimmers with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="forwardRewardWeight">Weight of the x velocity.</param>
    /// <param name="ctrlCostWeight">Weight of Σa².</param>
    /// <param name="resetNoiseScale">Half-width of the uniform noise added to qpos and qvel at reset.</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    /// <param name="excludeCurrentPositionsFromObservation">Whether the observation leaves out x and y (qpos[0..2]).</param>
    public Swimmer(
        int numEnvs,
        VectorEnvOptions? options = null,
        double forwardRewardWeight = 1.0,
        double ctrlCostWeight = 1e-4,
        double resetNoiseScale = 0.1,
        string? xmlFile = null,
        int frameSkip = DefaultFrameSkip,
        bool excludeCurrentPositionsFromObservation = true)
        : base(EnvAssets.LoadModel(xmlFile, "swimmer.xml"), numEnvs, options, forwardRewardWeight, ctrlCostWeight, resetNoiseScale,
            frameSkip, excludeCurrentPositionsFromObservation ? 2 : 0)
    {
    }

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, ResetNoiseScale, ref rng);
        SetWithUniformNoise(data.qvel, InitQvel, ResetNoiseScale, ref rng);
    }
}
