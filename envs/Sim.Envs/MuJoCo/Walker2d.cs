using Sim.Core;
using Sim.Core.Registry;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Walker2d-v5 (<c>Walker2d-v5</c>, alias <c>Walker2d-v1</c>): a planar biped learning to walk along +x.</summary>
/// <remarks>
/// Observation (17): <c>qpos[1..]</c> (torso height, torso angle, then thigh, leg and foot angles of the right and
/// the left leg) and <c>qvel</c> clipped to [−10, 10]; x is left out. Action: 6 motor controls in [−1, 1] (gear 100),
/// right leg first. Reward = forward + healthy − ctrl, where forward is the x velocity of the root over the step,
/// healthy is paid only while healthy (v5) and ctrl = 1e-3 Σa² of the action as given. Healthy means torso height
/// z in (0.8, 2) and torso angle in (−1, 1); the episode terminates when unhealthy.
/// Info columns: <c>reward_forward</c>, <c>reward_survive</c>, <c>reward_ctrl</c> (the cost as a negative term; the
/// terms sum to the reward), <c>x_position</c> (qpos[0]) and <c>x_velocity</c>.
/// </remarks>
public sealed class Walker2d : PlanarWalkerEnv
{
    /// <summary>Physics steps of 2 ms per env step (8 ms).</summary>
    public const int DefaultFrameSkip = 4;

    /// <summary>Registry entry: 1000-step episodes and no reward threshold, as in Gymnasium.</summary>
    public static EnvSpec Spec { get; } = new("Walker2d-v5", (numEnvs, options) => new Walker2d(numEnvs, options),
        MaxEpisodeSteps: 1000) { ArgumentFactory = FromArguments };

    /// <summary>Builds walkers from Gymnasium v5's keyword arguments (<c>xml_file</c>, <c>frame_skip</c>,
    /// <c>healthy_z_range</c>, …); unknown keys and bad values are errors.</summary>
    public static Walker2d FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        var w = ReadArguments(a, DefaultFrameSkip, (0.8, 2.0), (-1.0, 1.0));
        a.ThrowIfUnused();
        return new Walker2d(numEnvs, options, w.ForwardRewardWeight, w.CtrlCostWeight, w.HealthyReward, w.TerminateWhenUnhealthy,
            w.HealthyZ.Low, w.HealthyZ.High, w.HealthyAngle.Low, w.HealthyAngle.High, w.ResetNoiseScale, w.XmlFile, w.FrameSkip,
            w.ExcludeCurrentPositions);
    }

    /// <summary>Creates <paramref name="numEnvs"/> walkers with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
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
    /// <param name="resetNoiseScale">Half-width of the uniform noise added to qpos and qvel at reset.</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    /// <param name="excludeCurrentPositionsFromObservation">Whether the observation leaves out x (qpos[0]).</param>
    public Walker2d(
        int numEnvs,
        VectorEnvOptions? options = null,
        double forwardRewardWeight = 1.0,
        double ctrlCostWeight = 1e-3,
        double healthyReward = 1.0,
        bool terminateWhenUnhealthy = true,
        double minHealthyZ = 0.8,
        double maxHealthyZ = 2.0,
        double minHealthyAngle = -1.0,
        double maxHealthyAngle = 1.0,
        double resetNoiseScale = 5e-3,
        string? xmlFile = null,
        int frameSkip = DefaultFrameSkip,
        bool excludeCurrentPositionsFromObservation = true)
        : base(EnvAssets.LoadModel(xmlFile, "walker2d.xml"), numEnvs, frameSkip, options, forwardRewardWeight, ctrlCostWeight, healthyReward,
            terminateWhenUnhealthy, minHealthyZ, maxHealthyZ, minHealthyAngle, maxHealthyAngle, resetNoiseScale,
            excludeCurrentPositionsFromObservation)
    {
        AddFallCaption("walker");
    }
}
