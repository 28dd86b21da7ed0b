namespace Sim.Envs.MuJoCo.Goal;

/// <summary>The Fetch-style reward of a goal-conditioned task, as a pure function of (achieved goal, desired goal).</summary>
/// <remarks>
/// The env's steps and hindsight relabelling both call this, on the float goals of the observation rows, so a
/// recomputed reward is bitwise the one the step paid. Success (and the sparse reward's 0) needs the Euclidean
/// distance to be strictly below the threshold.
/// </remarks>
public sealed class GoalReward
{
    /// <summary>A reward of kind <paramref name="kind"/> with success radius <paramref name="distanceThreshold"/>.</summary>
    public GoalReward(GoalRewardKind kind, double distanceThreshold)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "expected Sparse or Dense");
        if (!(distanceThreshold > 0 && double.IsFinite(distanceThreshold)))
            throw new ArgumentOutOfRangeException(nameof(distanceThreshold), distanceThreshold, "expected a positive, finite distance threshold");
        Kind = kind;
        DistanceThreshold = distanceThreshold;
    }

    /// <summary>Sparse or dense.</summary>
    public GoalRewardKind Kind { get; }

    /// <summary>Distance below which the achieved goal counts as the desired one.</summary>
    public double DistanceThreshold { get; }

    /// <summary>Euclidean distance between two goals of equal length.</summary>
    public static double Distance(ReadOnlySpan<float> achievedGoal, ReadOnlySpan<float> desiredGoal)
    {
        if (achievedGoal.Length != desiredGoal.Length)
            throw new ArgumentException($"achieved goal has {achievedGoal.Length} values but desired goal has {desiredGoal.Length}; they must match");
        double sum = 0;
        for (int i = 0; i < achievedGoal.Length; i++)
        {
            double d = (double)achievedGoal[i] - desiredGoal[i];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Whether the goals are closer than <see cref="DistanceThreshold"/>.</summary>
    public bool IsSuccess(ReadOnlySpan<float> achievedGoal, ReadOnlySpan<float> desiredGoal) =>
        Distance(achievedGoal, desiredGoal) < DistanceThreshold;

    /// <summary>The reward for reaching <paramref name="achievedGoal"/> when <paramref name="desiredGoal"/> was asked for.</summary>
    public float Compute(ReadOnlySpan<float> achievedGoal, ReadOnlySpan<float> desiredGoal)
    {
        double distance = Distance(achievedGoal, desiredGoal);
        return Kind == GoalRewardKind.Sparse ? (distance < DistanceThreshold ? 0f : -1f) : (float)-distance;
    }

    /// <summary>Row-wise <see cref="Compute"/> over batches of <paramref name="goalSize"/>-float goals.</summary>
    public void Compute(ReadOnlySpan<float> achievedGoals, ReadOnlySpan<float> desiredGoals, Span<float> rewards, int goalSize)
    {
        if (achievedGoals.Length != rewards.Length * goalSize || desiredGoals.Length != rewards.Length * goalSize)
            throw new ArgumentException(
                $"goal batches have {achievedGoals.Length} and {desiredGoals.Length} values for {rewards.Length} rewards: " +
                $"expected {rewards.Length} × {goalSize} = {rewards.Length * goalSize} each");
        for (int i = 0; i < rewards.Length; i++)
            rewards[i] = Compute(achievedGoals.Slice(i * goalSize, goalSize), desiredGoals.Slice(i * goalSize, goalSize));
    }
}
