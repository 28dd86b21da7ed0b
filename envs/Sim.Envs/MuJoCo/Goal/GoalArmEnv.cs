using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Core.Registry;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo.Goal;

/// <summary>Base of the goal-conditioned planar-arm tasks: dict observations, Fetch-style goal rewards and the shared three-link arm.</summary>
/// <remarks>
/// <para>The arm (links 0.14, 0.12 and 0.08 m; shoulder unlimited, elbow and wrist ±2.6 rad) lies on a table and is
/// driven by three joint torques in [−1, 1] (gear 0.5, damping 0.1). Physics steps of 5 ms, 4 per env step.</para>
/// <para>Observation: a <see cref="DictSpace"/> of <c>observation</c> (task state, starting with the arm's cos and sin
/// of its 3 angles, 3 joint velocities and the fingertip's x and y), <c>achieved_goal</c> and <c>desired_goal</c>
/// (x and y on the table), in that order in one flat row. The desired goal is the target marker's slide-joint qpos,
/// so it is part of the physics state that recorders save.</para>
/// <para>Reward: <see cref="GoalReward"/> of the step's achieved and desired goals as stored in the observation row,
/// reported as <c>reward_goal</c>; the <c>is_success</c> flag marks steps that end within the distance threshold.
/// Episodes never terminate: the registry's time limit truncates them.</para>
/// </remarks>
public abstract class GoalArmEnv : MuJoCoVectorEnv, IGoalEnv
{
    /// <summary>Physics steps of 5 ms per env step.</summary>
    public const int DefaultFrameSkip = 4;

    /// <summary>Fetch's success radius, m.</summary>
    public const double DefaultDistanceThreshold = 0.05;

    /// <summary>Actuated joints: shoulder, elbow, wrist.</summary>
    public const int ArmJoints = 3;

    /// <summary>Floats that <see cref="WriteArmState"/> writes: cos and sin of the angles, joint velocities, fingertip x and y.</summary>
    protected const int ArmStateSize = 3 * ArmJoints + 2;

    const int GoalDims = 2;

    /// <summary>The arm's pose before reset noise, folded to the left (+y, −x) of the base so that it clears the
    /// workspace in front of it (x ≥ 0.1), where pucks are placed.</summary>
    static readonly double[] HomePose = [Math.PI / 2, 0.5, 0.5];

    static readonly double[] RestVelocity = new double[ArmJoints];

    readonly DictSpace _dictSpace;
    readonly int _observationOffset, _observationLength, _achievedOffset, _desiredOffset;
    readonly int _fingertipSite, _targetQpos, _targetDof;
    readonly float[] _goalReward;
    readonly bool[] _isSuccess;
    int[]? _captionCodes;
    double[]? _goalDistanceBefore;
    float[]? _goalScratch;

    /// <summary>Loads <paramref name="asset"/> (which must have the arm, a <c>fingertip</c> site and <c>target_x</c>/<c>target_y</c>
    /// slide joints) for <paramref name="numEnvs"/> envs whose task state has <paramref name="observationSize"/> floats.</summary>
    protected GoalArmEnv(string asset, int numEnvs, int observationSize, GoalReward reward, VectorEnvOptions? options)
        : base(EnvAssets.LoadModel(asset), numEnvs, DefaultFrameSkip, CreateObservationSpace(observationSize), new Box(ArmJoints, -1f, 1f), options)
    {
        Reward = reward ?? throw new ArgumentNullException(nameof(reward));
        _dictSpace = (DictSpace)SingleObservationSpace;
        (_observationOffset, _observationLength) = _dictSpace.Range(IGoalEnv.ObservationKey);
        _achievedOffset = _dictSpace.Range(IGoalEnv.AchievedGoalKey).Offset;
        _desiredOffset = _dictSpace.Range(IGoalEnv.DesiredGoalKey).Offset;
        _fingertipSite = Model.NameToId(MjObject.Site, "fingertip");
        int targetX = Model.NameToId(MjObject.Joint, "target_x");
        int targetY = Model.NameToId(MjObject.Joint, "target_y");
        _targetQpos = Model.jnt_qposadr[targetX];
        _targetDof = Model.jnt_dofadr[targetX];
        if (Model.jnt_qposadr[targetY] != _targetQpos + 1 || Model.jnt_dofadr[targetY] != _targetDof + 1)
            throw new ArgumentException($"asset '{asset}': target_y must directly follow target_x in qpos and qvel");
        _goalReward = AddRewardTerm("goal");
        _isSuccess = Infos.AddFlag(IGoalEnv.SuccessFlag);
    }

    static DictSpace CreateObservationSpace(int observationSize) => new(
        (IGoalEnv.ObservationKey, Box.Unbounded(observationSize)),
        (IGoalEnv.AchievedGoalKey, Box.Unbounded(GoalDims)),
        (IGoalEnv.DesiredGoalKey, Box.Unbounded(GoalDims)));

    /// <summary>Reads Fetch's <c>reward_type</c> (sparse or dense) and <c>distance_threshold</c>, the only arguments the goal arms take.</summary>
    protected static (GoalRewardKind Kind, double DistanceThreshold) ReadRewardArguments(EnvArguments a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var kind = a.Choice("reward_type", GoalRewardKind.Sparse);
        double threshold = a.Double("distance_threshold", DefaultDistanceThreshold);
        a.ThrowIfUnused();
        if (!(threshold > 0 && double.IsFinite(threshold)))
            throw new ArgumentException($"env argument distance_threshold = '{threshold}': expected a positive, finite distance in metres");
        return (kind, threshold);
    }

    /// <summary>The reward rule of this env (kind and distance threshold).</summary>
    public GoalReward Reward { get; }

    public DictSpace SingleDictObservationSpace => _dictSpace;

    public int GoalSize => GoalDims;

    /// <summary>Site id of the fingertip.</summary>
    public int FingertipSite => _fingertipSite;

    /// <summary>Address in qpos of the target's x (its y follows).</summary>
    public int TargetQpos => _targetQpos;

    public float ComputeReward(ReadOnlySpan<float> achievedGoal, ReadOnlySpan<float> desiredGoal)
    {
        CheckGoal(achievedGoal, nameof(achievedGoal));
        CheckGoal(desiredGoal, nameof(desiredGoal));
        return Reward.Compute(achievedGoal, desiredGoal);
    }

    public void ComputeRewards(ReadOnlySpan<float> achievedGoals, ReadOnlySpan<float> desiredGoals, Span<float> rewards) =>
        Reward.Compute(achievedGoals, desiredGoals, rewards, GoalDims);

    public bool IsSuccess(ReadOnlySpan<float> achievedGoal, ReadOnlySpan<float> desiredGoal)
    {
        CheckGoal(achievedGoal, nameof(achievedGoal));
        CheckGoal(desiredGoal, nameof(desiredGoal));
        return Reward.IsSuccess(achievedGoal, desiredGoal);
    }

    static void CheckGoal(ReadOnlySpan<float> goal, string name)
    {
        if (goal.Length != GoalDims) throw new ArgumentException($"{name} has {goal.Length} values, expected {GoalDims} (x, y)", name);
    }

    /// <summary>Writes the task state (the <c>observation</c> entry) of <paramref name="data"/>, whose positions are current.</summary>
    protected abstract void WriteTaskObservation(MjData data, Span<float> observation);

    /// <summary>Writes the goal that <paramref name="data"/>'s state achieves, x then y.</summary>
    protected abstract void WriteAchievedGoal(MjData data, Span<float> achievedGoal);

    protected sealed override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        // mj_step leaves xpos and site_xpos at the state its last substep started from; recompute them so the
        // achieved goal is where the arm and the puck are now. The next mj_step recomputes them anyway.
        MjNative.mj_kinematics(Model.Ptr, data.Ptr);
        WriteTaskObservation(data, observation.Slice(_observationOffset, _observationLength));
        WriteAchievedGoal(data, observation.Slice(_achievedOffset, GoalDims));
        var qpos = data.qpos;
        observation[_desiredOffset] = (float)qpos[_targetQpos];
        observation[_desiredOffset + 1] = (float)qpos[_targetQpos + 1];
    }

    protected sealed override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        var row = new ReadOnlySpan<float>(ObservationBuffer, env * ObservationSize, ObservationSize);
        var achieved = row.Slice(_achievedOffset, GoalDims);
        var desired = row.Slice(_desiredOffset, GoalDims);
        float reward = Reward.Compute(achieved, desired);
        _isSuccess[env] = Reward.IsSuccess(achieved, desired);
        _goalReward[env] = reward;
        if (_captionCodes is not null) _captionCodes[env] = Caption(env, data, _goalDistanceBefore![env], GoalReward.Distance(achieved, desired));
        terminated = false;
        return reward;
    }

    /// <summary>Declares the task's event captions; from then on each step is captioned by <see cref="Caption"/>.</summary>
    protected void EnableCaptions(IReadOnlyList<string> vocabulary)
    {
        _captionCodes = AddCaptions(vocabulary);
        _goalDistanceBefore = new double[NumEnvs];
        _goalScratch = new float[NumEnvs * 2 * GoalDims];
    }

    /// <summary>The caption code of env <paramref name="env"/>'s step, given the achieved-to-desired distance before and
    /// after it (as the reward measures them) and the physics after it; asked only once <see cref="EnableCaptions"/> was called.</summary>
    protected virtual int Caption(int env, MjData data, double goalDistanceBefore, double goalDistanceAfter) => StepCaptions.None;

    /// <summary>Called before env <paramref name="env"/>'s physics steps when captions are on, for a task to remember
    /// what its captions compare (the goal distance is remembered already).</summary>
    protected virtual void BeforeCaptionedStep(int env, MjData data)
    {
    }

    // ResetEnv leaves is_success alone, as it leaves the caption: under same-step autoreset it runs inside the step that
    // ended the episode, whose flag must still be there when the step returns. BeforeSimulation clears it for the next step.

    // A step that diverges never reaches ComputeReward, so it must not inherit the previous step's flag.
    // The distance before the step is read from the physics, not the observation row, so that a state set from outside
    // (a replay, a test) is captioned from where it really starts; positions are current here (see WriteObservation).
    protected sealed override void BeforeSimulation(int env, MjData data)
    {
        _isSuccess[env] = false;
        if (_goalDistanceBefore is null) return;
        var achieved = _goalScratch.AsSpan(env * 2 * GoalDims, GoalDims);
        var desired = _goalScratch.AsSpan(env * 2 * GoalDims + GoalDims, GoalDims);
        WriteAchievedGoal(data, achieved);
        desired[0] = (float)data.qpos[_targetQpos];
        desired[1] = (float)data.qpos[_targetQpos + 1];
        _goalDistanceBefore[env] = GoalReward.Distance(achieved, desired);
        BeforeCaptionedStep(env, data);
    }

    /// <summary>Puts the arm in its home pose (folded to the left of the base) with uniform noise of ±0.1 rad on each angle and ±0.005 rad/s on each velocity.</summary>
    protected static void ResetArm(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos[..ArmJoints], HomePose, 0.1, ref rng);
        SetWithUniformNoise(data.qvel[..ArmJoints], RestVelocity, 0.005, ref rng);
    }

    /// <summary>Moves the target marker to (<paramref name="x"/>, <paramref name="y"/>) at rest.</summary>
    protected void SetTarget(MjData data, double x, double y)
    {
        data.qpos[_targetQpos] = x;
        data.qpos[_targetQpos + 1] = y;
        data.qvel[_targetDof] = 0;
        data.qvel[_targetDof + 1] = 0;
    }

    /// <summary>Writes the fingertip's x and y (current after <see cref="WriteObservation"/>'s kinematics).</summary>
    protected void WriteFingertip(MjData data, Span<float> destination)
    {
        var site = data.site_xpos;
        destination[0] = (float)site[3 * _fingertipSite];
        destination[1] = (float)site[3 * _fingertipSite + 1];
    }

    /// <summary>Writes the <see cref="ArmStateSize"/> arm values that start every task observation.</summary>
    protected void WriteArmState(MjData data, Span<float> destination)
    {
        var qpos = data.qpos;
        var qvel = data.qvel;
        for (int j = 0; j < ArmJoints; j++)
        {
            destination[j] = (float)Math.Cos(qpos[j]);
            destination[ArmJoints + j] = (float)Math.Sin(qpos[j]);
            destination[2 * ArmJoints + j] = (float)qvel[j];
        }
        WriteFingertip(data, destination.Slice(3 * ArmJoints, 2));
    }
}
