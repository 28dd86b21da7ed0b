using Sim.Core;
using Sim.Foundation;
using Sim.Core.Registry;
using Sim.Envs.MuJoCo.Captions;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo.Goal;

/// <summary><c>ArmPush-v1</c>: a goal-conditioned planar arm that must push a puck to a target on the table (FetchPush's task in 2-D).</summary>
/// <remarks>
/// <para>The puck (radius 0.025 m, 80 g) slides on x/y joints with Coulomb friction (frictionloss 0.2 N per axis)
/// and is moved only by contact with the arm.</para>
/// <para>Observation (see <see cref="GoalArmEnv"/>): <c>observation</c> = the arm's 11 values, then puck x and y,
/// puck − fingertip in x and y, and the puck's x and y velocity (17); <c>achieved_goal</c> = puck x and y;
/// <c>desired_goal</c> = target x and y.</para>
/// <para>Reset: the arm starts folded at the home pose (plus noise), clear of the workspace x ∈ [0.1, 0.24],
/// y ∈ [−0.14, 0.14]. The puck is drawn uniformly from that rectangle, then the target too, again until it is at
/// least <see cref="MinGoalSeparation"/> from the puck, so that no episode starts solved.</para>
/// </remarks>
public sealed class ArmPush : GoalArmEnv
{
    /// <summary>Near edge (x) of the workspace where the puck and the target are placed, m.</summary>
    public const double WorkspaceMinX = 0.1;

    /// <summary>Far edge (x) of the workspace, m.</summary>
    public const double WorkspaceMaxX = 0.24;

    /// <summary>Half-width (|y|) of the workspace, m.</summary>
    public const double WorkspaceHalfWidth = 0.14;

    /// <summary>Smallest distance between the puck and the target at reset, m.</summary>
    public const double MinGoalSeparation = 0.1;

    /// <summary>Registry entry: 100-step episodes with the sparse reward, no reward threshold (as Fetch).</summary>
    public static EnvSpec Spec { get; } = new("ArmPush-v1", (numEnvs, options) => new ArmPush(numEnvs, options),
        MaxEpisodeSteps: 100) { ArgumentFactory = FromArguments };

    /// <summary>Builds the envs from Fetch's keyword arguments <c>reward_type</c> (sparse or dense) and <c>distance_threshold</c>.</summary>
    public static ArmPush FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        var (kind, threshold) = ReadRewardArguments(a);
        return new ArmPush(numEnvs, options, kind, threshold);
    }

    readonly int _puckQpos, _puckDof;
    readonly double[] _gripperToPuckBefore;

    /// <summary>Creates <paramref name="numEnvs"/> pushing arms; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="rewardKind">Sparse (0 on success, else −1) or dense (−distance).</param>
    /// <param name="distanceThreshold">Distance below which the puck counts as on the target, m.</param>
    public ArmPush(int numEnvs, VectorEnvOptions? options = null, GoalRewardKind rewardKind = GoalRewardKind.Sparse,
        double distanceThreshold = DefaultDistanceThreshold)
        : base("arm_push.xml", numEnvs, ArmStateSize + 6, new GoalReward(rewardKind, distanceThreshold), options)
    {
        int puckX = Model.NameToId(MjObject.Joint, "puck_x");
        int puckY = Model.NameToId(MjObject.Joint, "puck_y");
        _puckQpos = Model.jnt_qposadr[puckX];
        _puckDof = Model.jnt_dofadr[puckX];
        if (Model.jnt_qposadr[puckY] != _puckQpos + 1 || Model.jnt_dofadr[puckY] != _puckDof + 1)
            throw new ArgumentException("arm_push.xml: puck_y must directly follow puck_x in qpos and qvel");
        _gripperToPuckBefore = new double[numEnvs];
        EnableCaptions(ArmPushCaptions.Vocabulary);
    }

    protected override void BeforeCaptionedStep(int env, MjData data) => _gripperToPuckBefore[env] = GripperToPuck(data);

    // The model lets only the arm and the puck collide, so any contact is the gripper touching the puck.
    protected override int Caption(int env, MjData data, double goalDistanceBefore, double goalDistanceAfter) =>
        ArmPushCaptions.Code(goalDistanceBefore, goalDistanceAfter, Reward.DistanceThreshold, data.ncon > 0,
            _gripperToPuckBefore[env], GripperToPuck(data));

    double GripperToPuck(MjData data)
    {
        var site = data.site_xpos;
        double dx = data.qpos[_puckQpos] - site[3 * FingertipSite], dy = data.qpos[_puckQpos + 1] - site[3 * FingertipSite + 1];
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>Address in qpos of the puck's x (its y follows).</summary>
    public int PuckQpos => _puckQpos;

    /// <summary>Address in qvel of the puck's x velocity (its y velocity follows).</summary>
    public int PuckDof => _puckDof;

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        ResetArm(data, ref rng);
        double px = rng.Uniform(WorkspaceMinX, WorkspaceMaxX);
        double py = rng.Uniform(-WorkspaceHalfWidth, WorkspaceHalfWidth);
        double gx, gy;
        do
        {
            gx = rng.Uniform(WorkspaceMinX, WorkspaceMaxX);
            gy = rng.Uniform(-WorkspaceHalfWidth, WorkspaceHalfWidth);
        } while (!(Math.Sqrt((gx - px) * (gx - px) + (gy - py) * (gy - py)) >= MinGoalSeparation));
        data.qpos[_puckQpos] = px;
        data.qpos[_puckQpos + 1] = py;
        SetTarget(data, gx, gy);
    }

    protected override void WriteTaskObservation(MjData data, Span<float> observation)
    {
        WriteArmState(data, observation);
        var qpos = data.qpos;
        var qvel = data.qvel;
        var site = data.site_xpos;
        int tip = 3 * FingertipSite;
        double px = qpos[_puckQpos], py = qpos[_puckQpos + 1];
        observation[ArmStateSize] = (float)px;
        observation[ArmStateSize + 1] = (float)py;
        observation[ArmStateSize + 2] = (float)(px - site[tip]);
        observation[ArmStateSize + 3] = (float)(py - site[tip + 1]);
        observation[ArmStateSize + 4] = (float)qvel[_puckDof];
        observation[ArmStateSize + 5] = (float)qvel[_puckDof + 1];
    }

    protected override void WriteAchievedGoal(MjData data, Span<float> achievedGoal)
    {
        achievedGoal[0] = (float)data.qpos[_puckQpos];
        achievedGoal[1] = (float)data.qpos[_puckQpos + 1];
    }
}
