using Sim.Core.Registry;
using Sim.Foundation;

namespace Sim.Envs.Mjcf;

/// <summary>What an env built from any MJCF model does: its observation, reward terms, termination and reset, given as
/// functions over read-only views of the model and data (Gymnasium's custom-env recipe without subclassing).</summary>
public sealed record MjcfTask
{
    /// <summary>Length of the observation for a model.</summary>
    public required Func<MjModelView, int> ObservationSize { get; init; }

    /// <summary>Writes an observation.</summary>
    public required MjcfObservation Observe { get; init; }

    /// <summary>Names of the reward terms, without the <c>reward_</c> prefix (each becomes an info column).</summary>
    public required IReadOnlyList<string> RewardTerms { get; init; }

    /// <summary>Writes the reward terms of a step; the reward is their sum.</summary>
    public required MjcfReward Reward { get; init; }

    /// <summary>Whether a state ends the episode; null: never (only the time limit ends episodes).</summary>
    public MjcfTermination? Terminated { get; init; }

    /// <summary>Sets the initial state; null: uniform noise of ±<see cref="ResetNoiseScale"/> on every qpos and qvel,
    /// around the model's default pose and rest.</summary>
    public MjcfReset? Reset { get; init; }

    /// <summary>Physics steps per env step.</summary>
    public int FrameSkip { get; init; } = DefaultFrameSkip;

    /// <summary>Half-width of the default reset's uniform noise.</summary>
    public double ResetNoiseScale { get; init; } = DefaultResetNoiseScale;

    /// <summary>Physics steps per env step of the default task.</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Reset noise of the default task.</summary>
    public const double DefaultResetNoiseScale = 0.01;

    /// <summary>Weight of Σa² in the default task (HalfCheetah's).</summary>
    public const double DefaultCtrlCostWeight = 0.1;

    const int FreeJoint = 0, SlideJoint = 2, RootBody = 1;

    /// <summary>The default task of <c>sim train --env robot.xml</c>: move the root body (body 1) along +x.</summary>
    /// <remarks>
    /// Reward = forward − ctrl, where forward = <c>forward_reward_weight</c> × (x of body 1 after the step − before) / dt
    /// (from <c>xpos</c>, as Gymnasium's Ant measures its torso) and ctrl = <c>ctrl_cost_weight</c> × Σa² of the action as
    /// given. Observation: qpos then qvel, leaving out the root's x and y when its first joint is free, or x when it is a
    /// slide joint, unless <c>exclude_current_positions_from_observation</c> is false. No termination. Keyword
    /// arguments (Gymnasium's names): <c>frame_skip</c> (5), <c>forward_reward_weight</c> (1), <c>ctrl_cost_weight</c> (0.1),
    /// <c>reset_noise_scale</c> (0.01), <c>exclude_current_positions_from_observation</c> (true). The caller checks for
    /// unknown keys.
    /// </remarks>
    public static MjcfTask ForwardVelocity(EnvArguments? arguments = null)
    {
        var a = arguments ?? EnvArguments.None;
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double forwardWeight = a.Double("forward_reward_weight", 1.0);
        double ctrlWeight = a.Double("ctrl_cost_weight", DefaultCtrlCostWeight);
        double noise = a.Double("reset_noise_scale", DefaultResetNoiseScale);
        if (!(noise >= 0) || double.IsInfinity(noise))
            throw new ArgumentException($"reset_noise_scale = {noise}: expected a finite, non-negative noise scale");
        bool exclude = a.Bool("exclude_current_positions_from_observation", true);
        return new MjcfTask
        {
            FrameSkip = frameSkip,
            ResetNoiseScale = noise,
            ObservationSize = model => model.Nq - (exclude ? RootTranslations(model) : 0) + model.Nv,
            Observe = (model, data, observation) =>
            {
                int k = 0;
                var qpos = data.Qpos;
                for (int i = exclude ? RootTranslations(model) : 0; i < qpos.Length; i++) observation[k++] = (float)qpos[i];
                foreach (double v in data.Qvel) observation[k++] = (float)v;
            },
            RewardTerms = ["forward", "ctrl"],
            Reward = (model, data, action, terms) =>
            {
                terms[0] = forwardWeight * (data.Xpos[3 * RootBody] - data.XposBefore[3 * RootBody]) / data.Dt;
                double squares = 0;
                foreach (float u in action) squares += (double)u * u;
                terms[1] = -ctrlWeight * squares;
            },
        };
    }

    /// <summary>The qpos entries of the root's translation that the default observation leaves out.</summary>
    static int RootTranslations(MjModelView model)
    {
        if (model.Nbody <= RootBody) return 0;
        int joint = model.FirstJointOf(RootBody);
        if (joint < 0 || model.JointQposAddress(joint) != 0) return 0;
        return model.JointType(joint) switch
        {
            FreeJoint => 2,
            SlideJoint => 1,
            _ => 0,
        };
    }

    /// <summary>The default reset: uniform noise in ±<paramref name="scale"/> around the given qpos and qvel.</summary>
    internal static void UniformNoise(Span<double> qpos, Span<double> qvel, double scale, ref SimRandom rng)
    {
        for (int i = 0; i < qpos.Length; i++) qpos[i] += rng.Uniform(-scale, scale);
        for (int i = 0; i < qvel.Length; i++) qvel[i] += rng.Uniform(-scale, scale);
    }
}
