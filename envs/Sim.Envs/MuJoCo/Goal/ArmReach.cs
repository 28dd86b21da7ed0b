using Sim.Core;
using Sim.Foundation;
using Sim.Core.Registry;
using Sim.Envs.MuJoCo.Captions;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo.Goal;

/// <summary><c>ArmReach-v1</c>: a goal-conditioned planar arm that must bring its fingertip to a target (FetchReach's task on a table).</summary>
/// <remarks>
/// Observation (see <see cref="GoalArmEnv"/>): <c>observation</c> = cos and sin of the 3 joint angles, 3 joint
/// velocities, fingertip x and y (11); <c>achieved_goal</c> = fingertip x and y; <c>desired_goal</c> = target x
/// and y. Reset: the arm starts folded at the home pose (plus noise); the target is drawn uniformly from the square
/// [−0.3, 0.3]² until its distance from the base is in [0.08, 0.3], which the 0.34 m arm can reach.
/// </remarks>
public sealed class ArmReach : GoalArmEnv
{
    /// <summary>Closest target to the base, m.</summary>
    public const double MinGoalRadius = 0.08;

    /// <summary>Farthest target from the base, m.</summary>
    public const double MaxGoalRadius = 0.3;

    /// <summary>Registry entry: 50-step episodes with the sparse reward, no reward threshold (as Fetch).</summary>
    public static EnvSpec Spec { get; } = new("ArmReach-v1", (numEnvs, options) => new ArmReach(numEnvs, options),
        MaxEpisodeSteps: 50) { ArgumentFactory = FromArguments };

    /// <summary>Builds the envs from Fetch's keyword arguments <c>reward_type</c> (sparse or dense) and <c>distance_threshold</c>.</summary>
    public static ArmReach FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        var (kind, threshold) = ReadRewardArguments(a);
        return new ArmReach(numEnvs, options, kind, threshold);
    }

    /// <summary>Creates <paramref name="numEnvs"/> reaching arms; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="rewardKind">Sparse (0 on success, else −1) or dense (−distance).</param>
    /// <param name="distanceThreshold">Distance below which the fingertip counts as on the target, m.</param>
    public ArmReach(int numEnvs, VectorEnvOptions? options = null, GoalRewardKind rewardKind = GoalRewardKind.Sparse,
        double distanceThreshold = DefaultDistanceThreshold)
        : base("arm_reach.xml", numEnvs, ArmStateSize, new GoalReward(rewardKind, distanceThreshold), options)
    {
        EnableCaptions(FingertipCaptions.Vocabulary);
    }

    /// <summary>The task's event captions: the fingertip reaching, staying on, nearing or leaving the target.</summary>
    public static ApproachCaptions FingertipCaptions { get; } = new("fingertip", "target");

    protected override int Caption(int env, MjData data, double goalDistanceBefore, double goalDistanceAfter) =>
        ApproachCaptions.Code(goalDistanceBefore, goalDistanceAfter, Reward.DistanceThreshold);

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        ResetArm(data, ref rng);
        double x, y, r;
        do
        {
            x = rng.Uniform(-MaxGoalRadius, MaxGoalRadius);
            y = rng.Uniform(-MaxGoalRadius, MaxGoalRadius);
            r = Math.Sqrt(x * x + y * y);
        } while (!(r >= MinGoalRadius && r <= MaxGoalRadius));
        SetTarget(data, x, y);
    }

    protected override void WriteTaskObservation(MjData data, Span<float> observation) => WriteArmState(data, observation);

    protected override void WriteAchievedGoal(MjData data, Span<float> achievedGoal) => WriteFingertip(data, achievedGoal);
}
