using Sim.Core.Spaces;

namespace Sim.Core.Wrappers;

/// <summary>Potential-based shaping for goal envs (Ng, Harada and Russell 1999): F = γΦ(s′) − Φ(s) with
/// Φ(s) = −‖achieved goal − desired goal‖, added to the env's reward; it leaves the optimal policy unchanged.</summary>
/// <remarks>The goal envs never terminate, so Φ of a terminal state (0 by the usual convention) never arises and s′ is
/// always the step's next observation (the final one where an episode was truncated, which is bootstrapped).</remarks>
public static class GoalPotentialShaping
{
    /// <summary>The shaping term F for observation rows laid out by <paramref name="space"/>, discounted by <paramref name="gamma"/>.</summary>
    public static TransitionRewardFunction Create(DictSpace space, double gamma)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (!(gamma is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"gamma = {gamma}: expected a discount in [0, 1]");
        var (achieved, goal) = space.Range(IGoalEnv.AchievedGoalKey);
        var (desired, desiredLength) = space.Range(IGoalEnv.DesiredGoalKey);
        if (desiredLength != goal) throw new ArgumentException($"achieved goals have {goal} floats but desired goals {desiredLength}: they must match", nameof(space));
        int size = space.FlatSize;
        return (observations, _, nextObservations, rewards) =>
        {
            for (int i = 0; i < rewards.Length; i++)
            {
                double before = -Distance(observations.Slice(i * size, size), achieved, desired, goal);
                double after = -Distance(nextObservations.Slice(i * size, size), achieved, desired, goal);
                rewards[i] = (float)(gamma * after - before);
            }
        };
    }

    static double Distance(ReadOnlySpan<float> row, int achieved, int desired, int length)
    {
        double sum = 0;
        for (int j = 0; j < length; j++)
        {
            double d = (double)row[achieved + j] - row[desired + j];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }
}
