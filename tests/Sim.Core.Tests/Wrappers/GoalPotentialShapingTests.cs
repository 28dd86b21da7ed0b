using Sim.Core.Spaces;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

public class GoalPotentialShapingTests
{
    // Rows of [observation (1), achieved goal (2), desired goal (2)].
    static readonly DictSpace Space = new(
        (IGoalEnv.ObservationKey, Box.Unbounded(1)),
        (IGoalEnv.AchievedGoalKey, Box.Unbounded(2)),
        (IGoalEnv.DesiredGoalKey, Box.Unbounded(2)));

    [Fact]
    public void Shaping_is_gamma_times_the_next_potential_minus_the_current_one()
    {
        var shaping = GoalPotentialShaping.Create(Space, gamma: 0.9);
        // Row 0: distance 0.5 (a 3-4-5 triangle scaled by 0.1) to 0.4: F = 0.9·(−0.4) − (−0.5) = 0.14.
        // Row 1: distance 0 to 1 (moved away from a reached goal): F = 0.9·(−1) − 0 = −0.9.
        // Row 2: standing still 0.2 away: F = 0.9·(−0.2) + 0.2 = 0.02, the discount's pull.
        float[] observations = [7f, 0f, 0f, 0.3f, 0.4f, 0f, 1f, 1f, 1f, 1f, 0f, 0.2f, 0f, 0f, 0f];
        float[] next = [7f, 0.3f, 0f, 0.3f, 0.4f, 0f, 1f, 2f, 1f, 1f, 0f, 0.2f, 0f, 0f, 0f];
        var rewards = new float[3];
        shaping(observations, new float[3], next, rewards);
        Assert.Equal(0.14f, rewards[0], 1e-6f);
        Assert.Equal(-0.9f, rewards[1], 1e-6f);
        Assert.Equal(0.02f, rewards[2], 1e-6f);
    }

    [Fact]
    public void Shaping_telescopes_over_an_undiscounted_path_to_the_potential_difference()
    {
        // With γ = 1 the shaped terms along a path sum to Φ(end) − Φ(start) whatever the path: here 0.5 → 0.1 via 0.8.
        var shaping = GoalPotentialShaping.Create(Space, gamma: 1.0);
        float[] path = [0f, 0.5f, 0f, 0f, 0f, 0f, -0.8f, 0f, 0f, 0f, 0f, 0f, 0.1f, 0f, 0f];
        var rewards = new float[2];
        shaping(path.AsSpan(0, 10), new float[2], path.AsSpan(5, 10), rewards);
        Assert.Equal(-0.1f + 0.5f, rewards[0] + rewards[1], 1e-6f);
    }

    [Fact]
    public void A_discount_outside_zero_to_one_is_refused_by_value()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GoalPotentialShaping.Create(Space, gamma: 1.5));
        Assert.Contains("gamma = 1.5", ex.Message);
    }
}
