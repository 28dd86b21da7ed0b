using Sim.Core;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

public class ReacherTests
{
    /// <summary>fingertip − target from the bodies' xpos, looked up by name.</summary>
    static double[] FingertipMinusTarget(Reacher env, int i)
    {
        int tip = env.Model.NameToId(MjObject.Body, "fingertip");
        int target = env.Model.NameToId(MjObject.Body, "target");
        var xpos = env.Data(i).xpos;
        return [xpos[3 * tip] - xpos[3 * target], xpos[3 * tip + 1] - xpos[3 * target + 1], xpos[3 * tip + 2] - xpos[3 * target + 2]];
    }

    [Fact]
    public void Model_has_the_gymnasium_dimensions_masses_and_actuators()
    {
        using var env = new Reacher(1);
        var m = env.Model;
        Assert.Equal(4, m.nq);
        Assert.Equal(4, m.nv);
        Assert.Equal(2, m.nu);
        Assert.Equal(0.01, m.Timestep);
        Assert.Equal(2, env.FrameSkip);
        string[] joints = ["joint0", "joint1", "target_x", "target_y"];
        for (int j = 0; j < 4; j++) Assert.Equal(joints[j], m.IdToName(MjObject.Joint, j));
        Assert.Equal((byte)0, m.jnt_limited[0]);
        Assert.Equal((byte)1, m.jnt_limited[1]);
        Assert.Equal(-3.0, m.jnt_range[2]);
        Assert.Equal(3.0, m.jnt_range[3]);
        for (int a = 0; a < 2; a++)
        {
            Assert.Equal(200, m.actuator_gear[6 * a]);
            Assert.Equal(-1, m.actuator_ctrlrange[2 * a]);
            Assert.Equal(1, m.actuator_ctrlrange[2 * a + 1]);
            Assert.Equal(a, m.actuator_trnid[2 * a]);
        }
        Assert.Equal(GeomMass.Capsule(0.01, 0.1), m.body_mass[m.NameToId(MjObject.Body, "body0")], 1e-9);
        Assert.Equal(GeomMass.Capsule(0.01, 0.1), m.body_mass[m.NameToId(MjObject.Body, "body1")], 1e-9);
        Assert.Equal(GeomMass.Sphere(0.01), m.body_mass[m.NameToId(MjObject.Body, "fingertip")], 1e-9);
        Assert.Equal(GeomMass.Sphere(0.009), m.body_mass[m.NameToId(MjObject.Body, "target")], 1e-9);
    }

    [Fact]
    public void Spaces_are_10_unbounded_observations_and_2_torques_in_unit_box()
    {
        using var env = new Reacher(1);
        var obs = Assert.IsType<Box>(env.SingleObservationSpace);
        Assert.Equal(10, obs.FlatSize);
        foreach (var high in obs.High) Assert.Equal(float.PositiveInfinity, high);
        var act = Assert.IsType<Box>(env.SingleActionSpace);
        Assert.Equal(2, act.FlatSize);
        foreach (var low in act.Low) Assert.Equal(-1f, low);
        foreach (var high in act.High) Assert.Equal(1f, high);
    }

    [Fact]
    public void Reset_draws_the_target_inside_the_0_2_disc_at_rest_and_the_arm_near_zero()
    {
        using var env = new Reacher(64);
        env.Reset(seed: 9);
        for (int i = 0; i < 64; i++)
        {
            var d = env.Data(i);
            double gx = d.qpos[2], gy = d.qpos[3];
            Assert.True(Math.Sqrt(gx * gx + gy * gy) < 0.2, $"env {i}: target ({gx}, {gy}) outside the 0.2 disc");
            Assert.InRange(d.qpos[0], -0.1, 0.1);
            Assert.InRange(d.qpos[1], -0.1, 0.1);
            Assert.InRange(d.qvel[0], -0.005, 0.005);
            Assert.InRange(d.qvel[1], -0.005, 0.005);
            Assert.Equal(0, d.qvel[2]);
            Assert.Equal(0, d.qvel[3]);
            // The slide joints' ref makes their qpos the target's world position.
            int target = env.Model.NameToId(MjObject.Body, "target");
            Assert.Equal(gx, d.xpos[3 * target], 1e-12);
            Assert.Equal(gy, d.xpos[3 * target + 1], 1e-12);
        }
    }

    [Fact]
    public void Observation_and_reward_match_an_independent_computation_from_positions_and_action()
    {
        const int n = 3;
        using var env = new Reacher(n);
        env.Reset(seed: 21);
        var rng = new Random(8);
        var actions = new float[2 * n];
        for (int t = 0; t < 40; t++)
        {
            // Beyond the action bounds too: the control cost uses the action as given.
            for (int k = 0; k < actions.Length; k++) actions[k] = (float)(rng.NextDouble() * 3 - 1.5);
            env.Step(actions);
            for (int i = 0; i < n; i++)
            {
                var d = env.Data(i);
                var diff = FingertipMinusTarget(env, i);
                double dist = Math.Sqrt(diff[0] * diff[0] + diff[1] * diff[1] + diff[2] * diff[2]);
                double ctrl = actions[2 * i] * (double)actions[2 * i] + actions[2 * i + 1] * (double)actions[2 * i + 1];
                Assert.Equal(-dist - ctrl, env.Rewards[i], 2e-6);
                Assert.Equal(-dist, env.Infos.Value("reward_dist")[i], 1e-6);
                Assert.Equal(-ctrl, env.Infos.Value("reward_ctrl")[i], 2e-6);
                Assert.False(env.Terminated[i]);
                Assert.False(env.Truncated[i]);

                var obs = env.Observations.Slice(10 * i, 10);
                double[] expected =
                [
                    Math.Cos(d.qpos[0]), Math.Cos(d.qpos[1]), Math.Sin(d.qpos[0]), Math.Sin(d.qpos[1]),
                    d.qpos[2], d.qpos[3], d.qvel[0], d.qvel[1], diff[0], diff[1],
                ];
                for (int k = 0; k < 10; k++) Assert.Equal(expected[k], obs[k], 1e-6);
            }
        }
    }

    [Fact]
    public void Reward_weights_scale_their_terms()
    {
        using var env = new Reacher(1, rewardDistWeight: 2, rewardControlWeight: 0.5);
        env.Reset(seed: 2);
        env.Step([0.6f, -0.8f]);
        var diff = FingertipMinusTarget(env, 0);
        double dist = Math.Sqrt(diff[0] * diff[0] + diff[1] * diff[1] + diff[2] * diff[2]);
        Assert.Equal(-2 * dist, env.Infos.Value("reward_dist")[0], 1e-6);
        Assert.Equal(-0.5 * (0.36 + 0.64), env.Infos.Value("reward_ctrl")[0], 1e-6);
        Assert.Equal(-2 * dist - 0.5, env.Rewards[0], 1e-6);
    }

    [Fact]
    public void Registry_truncates_after_50_steps_and_never_terminates()
    {
        var spec = Envs.Registry.Spec("Reacher-v1");
        Assert.Equal(50, spec.MaxEpisodeSteps);
        Assert.Equal(-3.75, spec.RewardThreshold);
        using var env = Envs.Make("Reacher-v1", 2, seed: 4);
        Assert.IsType<TimeLimit>(env);
        var actions = new float[4];
        for (int t = 1; t <= 50; t++)
        {
            env.Step(actions);
            Assert.False(env.Terminated[0]);
            Assert.Equal(t == 50, env.Truncated[0]);
        }
    }
}
