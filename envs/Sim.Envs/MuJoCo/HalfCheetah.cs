using Sim.Core;
using Sim.Foundation;
using Sim.Core.Registry;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's HalfCheetah-v5 (<c>HalfCheetah-v5</c>, alias <c>HalfCheetah-v1</c>): a planar two-legged runner learning to run along +x.</summary>
/// <remarks>
/// Observation (17): <c>qpos[1..]</c> (torso height, torso angle, then back thigh, shin, foot and front thigh, shin,
/// foot angles) and <c>qvel</c>, unclipped; x is left out. Action: 6 motor controls in [−1, 1] with gears
/// 120, 90, 60, 120, 60, 30. Reward = forward − ctrl, where forward is the x velocity of the root over the step and
/// ctrl = 0.1 Σa² of the action as given. The cheetah cannot fall: episodes never terminate, only the registry's
/// time limit ends them. Info columns: <c>reward_forward</c>, <c>reward_ctrl</c> (the cost as a negative term; the
/// terms sum to the reward), <c>x_position</c> (qpos[0]) and <c>x_velocity</c>.
/// </remarks>
public sealed class HalfCheetah : UnfallingRunnerEnv
{
    /// <summary>Physics steps of 10 ms per env step (50 ms).</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Registry entry: 1000-step episodes, solved at a return of 4800.</summary>
    public static EnvSpec Spec { get; } = new("HalfCheetah-v5", (numEnvs, options) => new HalfCheetah(numEnvs, options),
        MaxEpisodeSteps: 1000, RewardThreshold: 4800) { ArgumentFactory = FromArguments };

    /// <summary>Builds cheetahs from Gymnasium v5's keyword arguments; unknown keys and bad values are errors.</summary>
    public static HalfCheetah FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double forward = a.Double("forward_reward_weight", 1.0), ctrl = a.Double("ctrl_cost_weight", 0.1);
        double noise = a.Double("reset_noise_scale", 0.1);
        bool exclude = a.Bool("exclude_current_positions_from_observation", true);
        a.ThrowIfUnused();
        return new HalfCheetah(numEnvs, options, forward, ctrl, noise, xmlFile, frameSkip, exclude);
    }

    /// <summary>Creates <paramref name="numEnvs"/> cheetahs with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="forwardRewardWeight">Weight of the root's x velocity.</param>
    /// <param name="ctrlCostWeight">Weight of Σa².</param>
    /// <param name="resetNoiseScale">Half-width of the uniform qpos noise and std of the normal qvel noise at reset.</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    /// <param name="excludeCurrentPositionsFromObservation">Whether the observation leaves out x (qpos[0]).</param>
    public HalfCheetah(
        int numEnvs,
        VectorEnvOptions? options = null,
        double forwardRewardWeight = 1.0,
        double ctrlCostWeight = 0.1,
        double resetNoiseScale = 0.1,
        string? xmlFile = null,
        int frameSkip = DefaultFrameSkip,
        bool excludeCurrentPositionsFromObservation = true)
        : base(EnvAssets.LoadModel(xmlFile, "half_cheetah.xml"), numEnvs, options, forwardRewardWeight, ctrlCostWeight, resetNoiseScale,
            frameSkip, excludeCurrentPositionsFromObservation ? 1 : 0)
    {
        AddCaptions([OnItsBack]);
    }

    /// <summary>The cheetah's one caption, emitted on every step that ends with the torso turned more than 90° (rooty, qpos[2]).</summary>
    public const string OnItsBack = "the cheetah is on its back";

    protected override int Caption(MjData data, bool healthy) => Math.Cos(data.qpos[2]) < 0 ? 1 : StepCaptions.None;

    // Gymnasium's cheetah starts with much more noise than the hoppers, and normal (not uniform) velocities.
    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, ResetNoiseScale, ref rng);
        SetWithNormalNoise(data.qvel, InitQvel, ResetNoiseScale, ref rng);
    }
}
