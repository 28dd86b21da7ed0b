using Sim.Core;
using Sim.Core.Spaces;
using Sim.Envs.MuJoCo.Goal;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

public class ArmReachTests
{
    /// <summary>Fingertip of the three-link arm from its link lengths (0.14, 0.12, 0.08 m) and joint angles.</summary>
    internal static (double X, double Y) Fingertip(ReadOnlySpan<double> q)
    {
        double a0 = q[0], a1 = a0 + q[1], a2 = a1 + q[2];
        return (0.14 * Math.Cos(a0) + 0.12 * Math.Cos(a1) + 0.08 * Math.Cos(a2),
                0.14 * Math.Sin(a0) + 0.12 * Math.Sin(a1) + 0.08 * Math.Sin(a2));
    }

    static float[] RandomActions(Random rng, int count)
    {
        var a = new float[count];
        for (int k = 0; k < count; k++) a[k] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    [Fact]
    public void Model_and_spaces_have_the_documented_sizes()
    {
        using var env = new ArmReach(1);
        Assert.Equal(5, env.Model.nq);
        Assert.Equal(5, env.Model.nv);
        Assert.Equal(3, env.Model.nu);
        var dict = Assert.IsType<DictSpace>(env.SingleObservationSpace);
        Assert.Same(dict, env.SingleDictObservationSpace);
        Assert.Equal(["observation", "achieved_goal", "desired_goal"], dict.Keys.ToArray());
        Assert.Equal((0, 11), dict.Range("observation"));
        Assert.Equal((11, 2), dict.Range("achieved_goal"));
        Assert.Equal((13, 2), dict.Range("desired_goal"));
        Assert.Equal(15, dict.FlatSize);
        Assert.Equal(2, env.GoalSize);
        var act = Assert.IsType<Box>(env.SingleActionSpace);
        Assert.Equal(3, act.FlatSize);
        foreach (var low in act.Low) Assert.Equal(-1f, low);
        foreach (var high in act.High) Assert.Equal(1f, high);
    }

    [Fact]
    public void Dict_slices_hold_the_arm_state_the_fingertip_and_the_target()
    {
        const int n = 4;
        using var env = new ArmReach(n);
        env.Reset(seed: 7);
        var dict = env.SingleDictObservationSpace;
        var rng = new Random(3);
        for (int t = 0; t < 12; t++)
        {
            if (t > 0) env.Step(RandomActions(rng, 3 * n));
            for (int i = 0; i < n; i++)
            {
                var row = env.Observations.Slice(15 * i, 15);
                var d = env.Data(i);
                var (x, y) = Fingertip(d.qpos);
                var observation = dict.Slice(row, "observation");
                for (int j = 0; j < 3; j++)
                {
                    Assert.Equal(Math.Cos(d.qpos[j]), observation[j], 1e-6);
                    Assert.Equal(Math.Sin(d.qpos[j]), observation[3 + j], 1e-6);
                    Assert.Equal(d.qvel[j], observation[6 + j], 1e-5);
                }
                Assert.Equal(x, observation[9], 1e-6);
                Assert.Equal(y, observation[10], 1e-6);
                var achieved = dict.Slice(row, "achieved_goal");
                Assert.Equal(x, achieved[0], 1e-6);
                Assert.Equal(y, achieved[1], 1e-6);
                var desired = dict.Slice(row, "desired_goal");
                Assert.Equal((float)d.qpos[3], desired[0]);
                Assert.Equal((float)d.qpos[4], desired[1]);
            }
        }
    }

    [Theory]
    [InlineData(GoalRewardKind.Sparse)]
    [InlineData(GoalRewardKind.Dense)]
    public void Step_reward_equals_ComputeReward_of_the_observed_goals(GoalRewardKind kind)
    {
        const int n = 8;
        using var env = new ArmReach(n, rewardKind: kind);
        env.Reset(seed: 12);
        var rng = new Random(5);
        var dict = env.SingleDictObservationSpace;
        var achievedBatch = new float[2 * n];
        var desiredBatch = new float[2 * n];
        var batch = new float[n];
        for (int t = 0; t < 50; t++)
        {
            env.Step(RandomActions(rng, 3 * n));
            for (int i = 0; i < n; i++)
            {
                var row = env.Observations.Slice(15 * i, 15);
                var achieved = dict.Slice(row, "achieved_goal");
                var desired = dict.Slice(row, "desired_goal");
                float recomputed = env.ComputeReward(achieved, desired);
                Assert.Equal(BitConverter.SingleToInt32Bits(recomputed), BitConverter.SingleToInt32Bits(env.Rewards[i]));
                Assert.Equal(env.Rewards[i], env.Infos.Value("reward_goal")[i]);
                double dx = achieved[0] - (double)desired[0], dy = achieved[1] - (double)desired[1];
                double distance = Math.Sqrt(dx * dx + dy * dy);
                Assert.Equal(distance < 0.05, env.Infos.Flag("is_success")[i]);
                if (kind == GoalRewardKind.Sparse) Assert.Equal(distance < 0.05 ? 0f : -1f, env.Rewards[i]);
                else Assert.Equal(-distance, env.Rewards[i], 1e-6);
                achieved.CopyTo(achievedBatch.AsSpan(2 * i));
                desired.CopyTo(desiredBatch.AsSpan(2 * i));
            }
            env.ComputeRewards(achievedBatch, desiredBatch, batch);
            Assert.Equal(env.Rewards.ToArray(), batch);
        }
    }

    [Fact]
    public void Relabelling_with_the_achieved_goal_gives_success()
    {
        using var env = new ArmReach(2);
        env.Reset(seed: 1);
        env.Step(new float[6]);
        var achieved = env.SingleDictObservationSpace.Slice(env.Observations[..15], "achieved_goal");
        Assert.Equal(0f, env.ComputeReward(achieved, achieved));
        Assert.True(env.IsSuccess(achieved, achieved));
        Assert.Equal(-1f, env.ComputeReward(achieved, [achieved[0] + 0.1f, achieved[1]]));
    }

    [Fact]
    public void A_success_on_the_step_that_ends_the_episode_survives_the_same_step_reset()
    {
        using var env = new ArmReach(1, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        env.Reset(seed: 2);
        StepWithTargetBeside(env, 0.03);
        env.Truncate(0); // what a time limit does on the episode's last allowed step

        Assert.True(env.EpisodeStarted[0], "the env was reset within the step");
        Assert.True(env.Infos.Flag("is_success")[0], "the ended step's is_success flag was wiped by the reset");
    }

    [Fact]
    public void Fingertip_on_the_target_is_a_success_with_reward_0()
    {
        using var env = new ArmReach(1);
        env.Reset(seed: 2);
        StepWithTargetBeside(env, 0.03);
        Assert.Equal(0f, env.Rewards[0]);
        Assert.True(env.Infos.Flag("is_success")[0]);
        Assert.False(env.Terminated[0]);

        StepWithTargetBeside(env, 0.07);
        Assert.Equal(-1f, env.Rewards[0]);
        Assert.False(env.Infos.Flag("is_success")[0]);
    }

    // Puts the arm at a fixed pose with the target `offset` metres along x from its fingertip, and steps once at rest.
    static void StepWithTargetBeside(ArmReach env, double offset)
    {
        double[] q = [0.3, 0.9, -0.4];
        var (x, y) = Fingertip(q);
        var s = new double[env.PhysicsStateSize];
        q.CopyTo(s.AsSpan(1));
        s[1 + 3] = x + offset;
        s[1 + 4] = y;
        env.SetPhysicsState(0, s);
        env.Step(new float[3]);
    }

    [Fact]
    public void Reset_draws_targets_from_the_documented_annulus()
    {
        using var env = new ArmReach(128);
        env.Reset(seed: 40);
        bool left = false, right = false;
        for (int i = 0; i < 128; i++)
        {
            var d = env.Data(i);
            double r = Math.Sqrt(d.qpos[3] * d.qpos[3] + d.qpos[4] * d.qpos[4]);
            Assert.InRange(r, ArmReach.MinGoalRadius, ArmReach.MaxGoalRadius);
            Assert.Equal(0, d.qvel[3]);
            Assert.Equal(0, d.qvel[4]);
            left |= d.qpos[3] < -0.1;
            right |= d.qpos[3] > 0.1;
        }
        Assert.True(left && right, "targets should lie all around the base");
    }

    [Fact]
    public void Registry_entry_has_50_steps()
    {
        var spec = Envs.Registry.Spec("ArmReach-v1");
        Assert.Equal(50, spec.MaxEpisodeSteps);
        using var env = Envs.Make("ArmReach-v1", 2, seed: 4);
        Assert.Equal(15, env.SingleObservationSpace.FlatSize);
        var actions = new float[6];
        for (int t = 1; t <= 50; t++) env.Step(actions);
        Assert.True(env.Truncated[0]);
    }
}
