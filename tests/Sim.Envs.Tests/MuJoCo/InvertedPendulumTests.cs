using Sim.Core;
using Sim.Core.Spaces;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

public class InvertedPendulumTests
{
    static double[] State(InvertedPendulum env, double x, double angle, double xDot = 0, double angleDot = 0)
    {
        var s = new double[env.PhysicsStateSize];
        s[1] = x;
        s[2] = angle;
        s[3] = xDot;
        s[4] = angleDot;
        return s;
    }

    [Fact]
    public void Model_has_the_gymnasium_dimensions_masses_and_actuator()
    {
        using var env = new InvertedPendulum(1);
        var m = env.Model;
        Assert.Equal(2, m.nq);
        Assert.Equal(2, m.nv);
        Assert.Equal(1, m.nu);
        Assert.Equal(0.02, m.Timestep);
        Assert.Equal(2, env.FrameSkip);
        Assert.Equal("slider", m.IdToName(MjObject.Joint, 0));
        Assert.Equal("hinge", m.IdToName(MjObject.Joint, 1));
        Assert.Equal(100, m.actuator_gear[0]);
        Assert.Equal(-3, m.actuator_ctrlrange[0]);
        Assert.Equal(3, m.actuator_ctrlrange[1]);
        Assert.Equal(GeomMass.Capsule(0.1, 0.2), m.body_mass[1], 1e-9);
        Assert.Equal(GeomMass.Capsule(0.049, Math.Sqrt(0.6 * 0.6 + 0.001 * 0.001)), m.body_mass[2], 1e-9);
        // Slider range ±1 m, hinge ±90° compiled to radians.
        double[] ranges = [-1.0, 1.0, -Math.PI / 2, Math.PI / 2];
        for (int k = 0; k < 4; k++) Assert.Equal(ranges[k], m.jnt_range[k], 1e-12);
    }

    [Fact]
    public void Spaces_are_4_unbounded_observations_and_one_force_in_minus_3_to_3()
    {
        using var env = new InvertedPendulum(1);
        var obs = Assert.IsType<Box>(env.SingleObservationSpace);
        Assert.Equal(4, obs.FlatSize);
        foreach (var low in obs.Low) Assert.Equal(float.NegativeInfinity, low);
        var act = Assert.IsType<Box>(env.SingleActionSpace);
        Assert.Equal(1, act.FlatSize);
        Assert.Equal(-3f, act.Low[0]);
        Assert.Equal(3f, act.High[0]);
    }

    [Fact]
    public void Reset_adds_uniform_noise_of_at_most_0_01_and_observes_qpos_then_qvel()
    {
        using var env = new InvertedPendulum(16);
        env.Reset(seed: 5);
        double largest = 0;
        for (int i = 0; i < 16; i++)
        {
            var d = env.Data(i);
            double[] values = [d.qpos[0], d.qpos[1], d.qvel[0], d.qvel[1]];
            for (int k = 0; k < 4; k++)
            {
                Assert.InRange(values[k], -0.01, 0.01);
                Assert.Equal((float)values[k], env.Observations[4 * i + k]);
                largest = Math.Max(largest, Math.Abs(values[k]));
            }
        }
        Assert.True(largest > 0.005, "64 uniform draws in ±0.01 should not all be below 0.005");
    }

    [Fact]
    public void Reward_is_1_per_step_while_the_pole_is_within_0_2_rad()
    {
        using var env = new InvertedPendulum(1);
        env.Reset(seed: 3);
        env.SetPhysicsState(0, State(env, 0, 0.15));
        for (int t = 0; t < 3; t++)
        {
            env.Step([0f]);
            double angle = env.Data(0).qpos[1];
            Assert.True(Math.Abs(angle) <= 0.2, $"step {t}: angle {angle} already beyond 0.2; pick a smaller start");
            Assert.False(env.Terminated[0]);
            Assert.Equal(1f, env.Rewards[0]);
            Assert.Equal(1f, env.Infos.Value("reward_survive")[0]);
        }
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(-0.25)]
    public void Pole_beyond_0_2_rad_terminates_with_reward_0(double angle)
    {
        using var env = new InvertedPendulum(1);
        env.Reset(seed: 3);
        env.SetPhysicsState(0, State(env, 0.1, angle));
        env.Step([0f]);
        Assert.True(Math.Abs(env.Data(0).qpos[1]) > 0.2);
        Assert.True(env.Terminated[0]);
        Assert.False(env.Truncated[0]);
        Assert.Equal(0f, env.Rewards[0]);
        Assert.Equal(0f, env.Infos.Value("reward_survive")[0]);
    }

    [Fact]
    public void Termination_follows_the_angle_after_each_step_of_a_random_rollout()
    {
        using var env = new InvertedPendulum(8);
        env.Reset(seed: 11);
        var rng = new Random(4);
        var actions = new float[8];
        int terminations = 0;
        for (int t = 0; t < 200; t++)
        {
            for (int i = 0; i < 8; i++) actions[i] = (float)(rng.NextDouble() * 6 - 3);
            env.Step(actions);
            for (int i = 0; i < 8; i++)
            {
                if (env.EpisodeStarted[i]) continue;
                bool fallen = Math.Abs(env.Data(i).qpos[1]) > 0.2;
                Assert.Equal(fallen, env.Terminated[i]);
                Assert.Equal(fallen ? 0f : 1f, env.Rewards[i]);
                if (fallen) terminations++;
            }
        }
        Assert.True(terminations > 0, "random forces should topple the pole at least once in 1600 steps");
    }

    [Fact]
    public void Registry_entry_has_1000_steps_and_threshold_950()
    {
        var spec = Envs.Registry.Spec("InvertedPendulum-v1");
        Assert.Equal(1000, spec.MaxEpisodeSteps);
        Assert.Equal(950, spec.RewardThreshold);
        using var env = Envs.Make("InvertedPendulum-v1", 2, seed: 1);
        Assert.Equal(4, env.SingleObservationSpace.FlatSize);
    }
}
