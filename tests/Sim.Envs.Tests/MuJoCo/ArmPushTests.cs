using Sim.Core;
using Sim.Core.Spaces;
using Sim.Envs.MuJoCo.Goal;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

public class ArmPushTests
{
    const int Row = 21;

    static float[] RandomActions(Random rng, int count)
    {
        var a = new float[count];
        for (int k = 0; k < count; k++) a[k] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    /// <summary>A state with the arm stretched along +x at rest, the puck at (px, py) and the target at (gx, gy).</summary>
    static double[] StraightArmState(ArmPush env, double px, double py, double gx, double gy)
    {
        var s = new double[env.PhysicsStateSize];
        s[1 + env.PuckQpos] = px;
        s[1 + env.PuckQpos + 1] = py;
        s[1 + env.TargetQpos] = gx;
        s[1 + env.TargetQpos + 1] = gy;
        return s;
    }

    [Fact]
    public void Model_and_spaces_have_the_documented_sizes()
    {
        using var env = new ArmPush(1);
        Assert.Equal(7, env.Model.nq);
        Assert.Equal(7, env.Model.nv);
        Assert.Equal(3, env.Model.nu);
        Assert.Equal(3, env.PuckQpos);
        Assert.Equal(5, env.TargetQpos);
        var dict = Assert.IsType<DictSpace>(env.SingleObservationSpace);
        Assert.Equal((0, 17), dict.Range("observation"));
        Assert.Equal((17, 2), dict.Range("achieved_goal"));
        Assert.Equal((19, 2), dict.Range("desired_goal"));
        Assert.Equal(Row, dict.FlatSize);
        Assert.Equal(3, env.SingleActionSpace.FlatSize);
    }

    [Fact]
    public void Dict_slices_hold_the_arm_the_puck_and_the_target()
    {
        const int n = 3;
        using var env = new ArmPush(n);
        env.Reset(seed: 8);
        var dict = env.SingleDictObservationSpace;
        var rng = new Random(2);
        for (int t = 0; t < 10; t++)
        {
            if (t > 0) env.Step(RandomActions(rng, 3 * n));
            for (int i = 0; i < n; i++)
            {
                var row = env.Observations.Slice(Row * i, Row);
                var d = env.Data(i);
                var (x, y) = ArmReachTests.Fingertip(d.qpos);
                double px = d.qpos[3], py = d.qpos[4];
                var observation = dict.Slice(row, "observation");
                for (int j = 0; j < 3; j++) Assert.Equal(Math.Cos(d.qpos[j]), observation[j], 1e-6);
                Assert.Equal(x, observation[9], 1e-6);
                Assert.Equal(y, observation[10], 1e-6);
                Assert.Equal(px, observation[11], 1e-6);
                Assert.Equal(py, observation[12], 1e-6);
                Assert.Equal(px - x, observation[13], 1e-6);
                Assert.Equal(py - y, observation[14], 1e-6);
                Assert.Equal(d.qvel[3], observation[15], 1e-6);
                Assert.Equal(d.qvel[4], observation[16], 1e-6);
                var achieved = dict.Slice(row, "achieved_goal");
                Assert.Equal((float)px, achieved[0]);
                Assert.Equal((float)py, achieved[1]);
                var desired = dict.Slice(row, "desired_goal");
                Assert.Equal((float)d.qpos[5], desired[0]);
                Assert.Equal((float)d.qpos[6], desired[1]);
            }
        }
    }

    [Fact]
    public void Puck_moves_when_the_arm_sweeps_into_it_and_stays_put_otherwise()
    {
        using var env = new ArmPush(2);
        env.Reset(seed: 3);
        // The puck sits just left of the stretched arm (centre 0.05 m from it, radii 0.025 + 0.012).
        var start = StraightArmState(env, 0.2, 0.05, 0.0, -0.25);
        env.SetPhysicsState(0, start);
        env.SetPhysicsState(1, start);
        for (int t = 0; t < 30; t++) env.Step([0.5f, 0f, 0f, -0.5f, 0f, 0f]); // env 0 turns left into the puck, env 1 away
        var pushed = env.Data(0);
        double moved = Math.Sqrt((pushed.qpos[3] - 0.2) * (pushed.qpos[3] - 0.2) + (pushed.qpos[4] - 0.05) * (pushed.qpos[4] - 0.05));
        Assert.True(moved > 0.03, $"the puck moved only {moved} m");
        Assert.True(pushed.qpos[4] > 0.08, $"the puck should be pushed towards +y, it is at y = {pushed.qpos[4]}");
        var untouched = env.Data(1);
        Assert.Equal(0.2, untouched.qpos[3]);
        Assert.Equal(0.05, untouched.qpos[4]);
        Assert.Equal(-1f, env.Rewards[1]);
        // The asset's small stack and constraint sizes leave a wide margin over what pushing needs.
        var m = env.Model;
        Assert.InRange(pushed.maxuse_stack, 1, m.nstack / 20);
        Assert.InRange(pushed.maxuse_efc, 1, m.njmax / 4);
        Assert.InRange(pushed.maxuse_con, 1, m.nconmax / 4);
    }

    [Fact]
    public void Puck_on_the_target_is_a_success_with_reward_0()
    {
        using var env = new ArmPush(1);
        env.Reset(seed: 4);
        env.SetPhysicsState(0, StraightArmState(env, 0.1, -0.15, 0.12, -0.15));
        env.Step(new float[3]);
        Assert.Equal(0f, env.Rewards[0]);
        Assert.True(env.Infos.Flag("is_success")[0]);
        env.SetPhysicsState(0, StraightArmState(env, 0.1, -0.15, 0.16, -0.15));
        env.Step(new float[3]);
        Assert.Equal(-1f, env.Rewards[0]);
        Assert.False(env.Infos.Flag("is_success")[0]);
    }

    [Fact]
    public void Step_reward_equals_ComputeReward_and_relabelling_with_the_achieved_goal_succeeds()
    {
        const int n = 8;
        using var env = new ArmPush(n);
        env.Reset(seed: 19);
        var dict = env.SingleDictObservationSpace;
        var rng = new Random(7);
        var achievedBatch = new float[2 * n];
        var desiredBatch = new float[2 * n];
        var batch = new float[n];
        for (int t = 0; t < 60; t++)
        {
            env.Step(RandomActions(rng, 3 * n));
            for (int i = 0; i < n; i++)
            {
                var row = env.Observations.Slice(Row * i, Row);
                var achieved = dict.Slice(row, "achieved_goal");
                var desired = dict.Slice(row, "desired_goal");
                Assert.Equal(BitConverter.SingleToInt32Bits(env.ComputeReward(achieved, desired)), BitConverter.SingleToInt32Bits(env.Rewards[i]));
                Assert.Equal(env.Rewards[i] == 0f, env.Infos.Flag("is_success")[i]);
                Assert.Equal(0f, env.ComputeReward(achieved, achieved));
                achieved.CopyTo(achievedBatch.AsSpan(2 * i));
                desired.CopyTo(desiredBatch.AsSpan(2 * i));
            }
            env.ComputeRewards(achievedBatch, desiredBatch, batch);
            Assert.Equal(env.Rewards.ToArray(), batch);
            env.ComputeRewards(achievedBatch, achievedBatch, batch);
            Assert.All(batch, r => Assert.Equal(0f, r));
        }
    }

    [Fact]
    public void Reset_places_puck_and_target_apart_in_the_workspace_clear_of_the_arm()
    {
        using var env = new ArmPush(128);
        env.Reset(seed: 50);
        for (int i = 0; i < 128; i++)
        {
            var d = env.Data(i);
            double px = d.qpos[3], py = d.qpos[4], gx = d.qpos[5], gy = d.qpos[6];
            Assert.InRange(px, ArmPush.WorkspaceMinX, ArmPush.WorkspaceMaxX);
            Assert.InRange(py, -ArmPush.WorkspaceHalfWidth, ArmPush.WorkspaceHalfWidth);
            Assert.InRange(gx, ArmPush.WorkspaceMinX, ArmPush.WorkspaceMaxX);
            Assert.InRange(gy, -ArmPush.WorkspaceHalfWidth, ArmPush.WorkspaceHalfWidth);
            Assert.True(Math.Sqrt((gx - px) * (gx - px) + (gy - py) * (gy - py)) >= ArmPush.MinGoalSeparation);
            Assert.Equal(0, d.ncon);
            Assert.Equal(0, d.qvel[3]);
            Assert.Equal(0, d.qvel[4]);
        }
    }

    [Fact]
    public void Registry_entry_has_100_steps()
    {
        var spec = Envs.Registry.Spec("ArmPush-v1");
        Assert.Equal(100, spec.MaxEpisodeSteps);
        using var env = Envs.Make("ArmPush-v1", 2, seed: 4);
        Assert.Equal(Row, env.SingleObservationSpace.FlatSize);
        var actions = new float[6];
        for (int t = 1; t <= 100; t++)
        {
            env.Step(actions);
            Assert.Equal(t == 100, env.Truncated[0]);
        }
    }
}
