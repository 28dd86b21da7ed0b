using Sim.Envs.MuJoCo.Goal;

namespace Sim.Envs.Tests.MuJoCo;

public class GoalRewardTests
{
    [Fact]
    public void Sparse_reward_is_0_strictly_inside_the_threshold_and_minus_1_from_it_on()
    {
        // A 3-4-5 triangle puts the distance exactly on the threshold.
        var reward = new GoalReward(GoalRewardKind.Sparse, 5);
        Assert.Equal(-1f, reward.Compute([0f, 0f], [3f, 4f]));
        Assert.False(reward.IsSuccess([0f, 0f], [3f, 4f]));
        Assert.Equal(0f, reward.Compute([0f, 0f], [3f, 3.9f]));
        Assert.True(reward.IsSuccess([0f, 0f], [3f, 3.9f]));
        Assert.Equal(0f, reward.Compute([1f, -2f], [1f, -2f]));
    }

    [Fact]
    public void Dense_reward_is_minus_the_distance()
    {
        var reward = new GoalReward(GoalRewardKind.Dense, 0.05);
        Assert.Equal(-5f, reward.Compute([1f, 1f], [4f, 5f]));
        Assert.Equal(0f, reward.Compute([0.2f, 0.1f], [0.2f, 0.1f]));
        Assert.True(reward.IsSuccess([0f, 0f], [0.03f, 0.03f]));
    }

    [Fact]
    public void Batched_rewards_equal_row_by_row_rewards()
    {
        var reward = new GoalReward(GoalRewardKind.Dense, 0.05);
        float[] achieved = [0f, 0f, 1f, 1f, 0.5f, -0.25f];
        float[] desired = [3f, 4f, 1f, 1f, 0.1f, 0.2f];
        var batch = new float[3];
        reward.Compute(achieved, desired, batch, goalSize: 2);
        for (int i = 0; i < 3; i++)
            Assert.Equal(reward.Compute(achieved.AsSpan(2 * i, 2), desired.AsSpan(2 * i, 2)), batch[i]);
        Assert.Equal(-5f, batch[0]);
    }

    [Fact]
    public void Mismatched_lengths_and_bad_thresholds_are_rejected()
    {
        var reward = new GoalReward(GoalRewardKind.Sparse, 0.05);
        Assert.Throws<ArgumentException>(() => reward.Compute([0f, 0f], [0f, 0f, 0f]));
        Assert.Throws<ArgumentException>(() => reward.Compute(new float[4], new float[4], new float[3], goalSize: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GoalReward(GoalRewardKind.Sparse, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GoalReward(GoalRewardKind.Sparse, double.NaN));
    }
}
