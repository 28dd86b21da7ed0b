using Sim.Learning.Progress;

namespace Sim.Learning.Tests.Progress;

public sealed class GoalGroundingTests
{
    // Rows of 5 floats whose achieved goal is floats 1..3.
    static float[] Row(float x, float y, float z) => [9f, x, y, z, -9f];

    [Fact]
    public void Grounding_fires_only_when_the_achieved_goal_moves_beyond_epsilon()
    {
        var grounding = new GoalGrounding(observationSize: 5, offset: 1, goalSize: 3, epsilon: 0.005, weight: 0.5);
        // Goal moves of 0.004 (a 3-4-5 triangle: 0.0024 and 0.0032), 0.006 along z, 0.01 along x, and none; the floats
        // outside the goal change by 50 in rows 0 and 3 and must not count.
        float[] before = [.. Row(0, 0, 0), .. Row(0, 0, 0), .. Row(1, 1, 1), .. Row(2, 2, 2)];
        float[] after = [.. Row(0.0024f, 0.0032f, 0), .. Row(0, 0, 0.006f), .. Row(1.01f, 1, 1), .. Row(2, 2, 2)];
        after[4] = 50f;
        after[15] = 50f;
        var rewards = new float[] { 1f, 1f, 1f, 1f };
        int fired = grounding.AddTo(before, after, rewards);
        Assert.Equal(2, fired);
        Assert.Equal([1f, 1.5f, 1.5f, 1f], rewards);
    }

    [Fact]
    public void A_move_of_exactly_epsilon_does_not_fire()
    {
        var grounding = new GoalGrounding(observationSize: 1, offset: 0, goalSize: 1, epsilon: 0.25, weight: 2);
        var rewards = new float[2];
        Assert.Equal(1, grounding.AddTo([0f, 0f], [0.25f, 0.5f], rewards));
        Assert.Equal([0f, 2f], rewards);
    }

    [Fact]
    public void A_negative_epsilon_is_refused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new GoalGrounding(5, 1, 3, epsilon: -0.1, weight: 0.5));
        Assert.Contains("ε = -0.1", ex.Message);
    }
}
