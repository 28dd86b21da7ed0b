using Sim.Core;
using Sim.Core.Registry;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Reacher-v5 (<c>Reacher-v5</c>, alias <c>Reacher-v1</c>): move a two-link arm's fingertip to a random target.</summary>
/// <remarks>
/// Physics, observation and reset are <see cref="ReacherBase"/>'s. Reward = dist + ctrl with
/// dist = −<c>rewardDistWeight</c> · |fingertip − target| (after the step, as v5 fixed it) and
/// ctrl = −<c>rewardControlWeight</c> · Σa² of the action as given; reported as <c>reward_dist</c> and
/// <c>reward_ctrl</c>. Episodes never terminate: the registry's 50-step limit truncates them.
/// </remarks>
public sealed class Reacher : ReacherBase
{
    /// <summary>Registry entry: 50-step episodes, solved at a return of −3.75.</summary>
    public static EnvSpec Spec { get; } = new("Reacher-v5", (numEnvs, options) => new Reacher(numEnvs, options),
        MaxEpisodeSteps: 50, RewardThreshold: -3.75) { ArgumentFactory = FromArguments };

    /// <summary>Builds reachers from Gymnasium v5's keyword arguments; unknown keys and bad values are errors.</summary>
    public static Reacher FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double dist = a.Double("reward_dist_weight", 1.0), control = a.Double("reward_control_weight", 1.0);
        a.ThrowIfUnused();
        return new Reacher(numEnvs, options, dist, control, xmlFile, frameSkip);
    }

    readonly double _rewardDistWeight, _rewardControlWeight;
    readonly float[] _distReward, _ctrlReward;

    /// <summary>Creates <paramref name="numEnvs"/> reachers with Gymnasium v5's weights; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="rewardDistWeight">Weight of the fingertip-target distance.</param>
    /// <param name="rewardControlWeight">Weight of Σa².</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    public Reacher(int numEnvs, VectorEnvOptions? options = null, double rewardDistWeight = 1.0, double rewardControlWeight = 1.0,
        string? xmlFile = null, int frameSkip = DefaultFrameSkip)
        : base(numEnvs, options, xmlFile, frameSkip)
    {
        _rewardDistWeight = rewardDistWeight;
        _rewardControlWeight = rewardControlWeight;
        _distReward = AddRewardTerm("dist");
        _ctrlReward = AddRewardTerm("ctrl");
    }

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        double dist = -_rewardDistWeight * FingertipToTargetDistance(data);
        double squares = 0;
        foreach (float a in action) squares += (double)a * a;
        double ctrl = -_rewardControlWeight * squares;
        _distReward[env] = (float)dist;
        _ctrlReward[env] = (float)ctrl;
        terminated = false;
        return (float)(dist + ctrl);
    }
}
