using Sim.Core;
using Sim.Core.Random;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Walker2d-v1: model dimensions, observation layout, v5 reward and health rules, time limit, threading determinism.</summary>
public class Walker2dTests
{
    const int Nq = 9, Nv = 9, Nu = 6;
    const double Dt = 0.002 * 4;

    static float[] RandomActions(ref SimRandom rng, int count, double bound = 1)
    {
        var a = new float[count];
        for (int i = 0; i < count; i++) a[i] = (float)rng.Uniform(-bound, bound);
        return a;
    }

    static double[] State(IPhysicsState env, int i)
    {
        var s = new double[env.PhysicsStateSize];
        env.GetPhysicsState(i, s);
        return s;
    }

    /// <summary>Gymnasium v5's is_healthy over [time, qpos, qvel]: height in (0.8, 2), angle in (−1, 1), nothing else.</summary>
    static bool ExpectedHealthy(double[] s)
    {
        double z = s[1 + 1], angle = s[1 + 2];
        return z > 0.8 && z < 2.0 && angle > -1 && angle < 1;
    }

    /// <summary>Capsule of radius r and segment length l at density 1000.</summary>
    static double CapsuleMass(double r, double l) => 1000 * (Math.PI * r * r * l + 4.0 / 3.0 * Math.PI * r * r * r);

    [Fact]
    public void Model_has_the_gymnasium_walker_dimensions()
    {
        using var env = new Walker2d(1);
        var m = env.Model;
        Assert.Equal(Nq, m.nq);
        Assert.Equal(Nv, m.nv);
        Assert.Equal(Nu, m.nu);
        Assert.Equal(0.002, m.Timestep);
        Assert.Equal(4, env.FrameSkip);
        Assert.Equal(0.008, env.Dt, 12);
        string[] joints = ["rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint", "thigh_left_joint", "leg_left_joint", "foot_left_joint"];
        for (int j = 0; j < joints.Length; j++) Assert.Equal(joints[j], m.IdToName(MjObject.Joint, j));
        Assert.Equal([0.0, 1.25, 0, 0, 0, 0, 0, 0, 0], m.qpos0.ToArray());
        for (int i = 0; i < Nu; i++)
        {
            Assert.Equal(100, m.actuator_gear[6 * i]);
            Assert.Equal(-1, m.actuator_ctrlrange[2 * i]);
            Assert.Equal(1, m.actuator_ctrlrange[2 * i + 1]);
            Assert.Equal(3 + i, m.actuator_trnid[2 * i]); // actuator i drives joint 3 + i, named after it
            Assert.Equal(joints[3 + i], m.IdToName(MjObject.Actuator, i));
        }
        double[] expectedMasses = [0, CapsuleMass(0.05, 0.4), CapsuleMass(0.05, 0.45), CapsuleMass(0.04, 0.5), CapsuleMass(0.06, 0.2),
            CapsuleMass(0.05, 0.45), CapsuleMass(0.04, 0.5), CapsuleMass(0.06, 0.2)];
        for (int b = 0; b < expectedMasses.Length; b++) Assert.Equal(expectedMasses[b], m.body_mass[b], 9);
    }

    [Fact]
    public void Spaces_are_17_observations_and_6_actions_in_unit_box()
    {
        using var env = new Walker2d(2);
        Assert.Equal(17, env.SingleObservationSpace.FlatSize);
        var box = Assert.IsType<Box>(env.SingleActionSpace);
        Assert.Equal(Nu, box.FlatSize);
        foreach (var low in box.Low) Assert.Equal(-1f, low);
        foreach (var high in box.High) Assert.Equal(1f, high);
    }

    [Fact]
    public void Registry_builds_walker_with_time_limit_and_no_threshold()
    {
        var spec = Envs.Registry.Spec("Walker2d-v1");
        Assert.Equal(1000, spec.MaxEpisodeSteps);
        Assert.Null(spec.RewardThreshold);
        using var env = Envs.Make("Walker2d-v1", 3, seed: 1);
        Assert.Equal(3 * 17, env.Observations.Length);
    }

    [Fact]
    public void Reset_adds_small_uniform_noise_that_depends_on_the_seed()
    {
        using var env = new Walker2d(4);
        env.Reset(seed: 11);
        double[] qpos0 = [0, 1.25, 0, 0, 0, 0, 0, 0, 0];
        var first = new double[env.NumEnvs][];
        for (int i = 0; i < env.NumEnvs; i++)
        {
            var s = first[i] = State(env, i);
            for (int j = 0; j < Nq; j++)
            {
                double d = s[1 + j] - qpos0[j];
                Assert.True(d >= -5e-3 && d <= 5e-3 && d != 0, $"env {i} qpos[{j}] off by {d}");
            }
            for (int j = 0; j < Nv; j++)
            {
                double v = s[1 + Nq + j];
                Assert.True(v >= -5e-3 && v <= 5e-3 && v != 0, $"env {i} qvel[{j}] = {v}");
            }
        }
        Assert.NotEqual(first[0], first[1]);
        env.Reset(seed: 11);
        for (int i = 0; i < env.NumEnvs; i++) Assert.Equal(first[i], State(env, i));
    }

    [Fact]
    public void Observation_is_qpos_without_x_then_qvel_clipped_to_10()
    {
        using var env = new Walker2d(1);
        env.Reset(seed: 3);
        var s = State(env, 0);
        s[1 + Nq + 0] = 30; // flying forward
        s[1 + Nq + 1] = 12; // and up, clear of the floor
        env.SetPhysicsState(0, s);
        env.Step(new float[Nu]);
        var after = State(env, 0);
        var obs = env.Observations;
        for (int j = 1; j < Nq; j++) Assert.Equal((float)after[1 + j], obs[j - 1]);
        for (int j = 0; j < Nv; j++) Assert.Equal((float)Math.Clamp(after[1 + Nq + j], -10, 10), obs[Nq - 1 + j]);
        Assert.Equal(10f, obs[8]);
        Assert.Equal(10f, obs[9]);
    }

    [Fact]
    public void Reward_is_forward_plus_healthy_minus_ctrl_recomputed_from_the_physics_state()
    {
        using var env = new Walker2d(1);
        env.Reset(seed: 5);
        var rng = new SimRandom(99);
        int steps = 0;
        for (int t = 0; t < 200; t++)
        {
            var action = RandomActions(ref rng, Nu, bound: 1.5);
            double xBefore = State(env, 0)[1];
            env.Step(action);
            var s = State(env, 0);

            double forward = (s[1] - xBefore) / Dt;
            bool healthy = ExpectedHealthy(s);
            double ctrl = 1e-3 * action.Sum(a => (double)a * a);
            double expected = forward + (healthy ? 1 : 0) - ctrl;

            Assert.Equal(expected, env.Rewards[0], 4);
            Assert.Equal(forward, env.Infos.Value("reward_forward")[0], 4);
            Assert.Equal(healthy ? 1f : 0f, env.Infos.Value("reward_healthy")[0]);
            Assert.Equal(-ctrl, env.Infos.Value("reward_ctrl")[0], 7);
            Assert.Equal((float)s[1], env.Infos.Value("x_position")[0]);
            Assert.Equal(forward, env.Infos.Value("x_velocity")[0], 4);
            float termSum = 0;
            foreach (var key in env.Infos.RewardTerms) termSum += env.Infos.Value(key)[0];
            Assert.Equal(env.Rewards[0], termSum, 4);
            Assert.Equal(!healthy, env.Terminated[0]);
            steps++;
            if (env.Terminated[0]) break;
        }
        Assert.True(steps >= 10, $"only {steps} steps checked");
    }

    [Fact]
    public void Reward_weights_are_constructor_arguments()
    {
        using var env = new Walker2d(1, forwardRewardWeight: 0, ctrlCostWeight: 2, healthyReward: 3);
        env.Reset(seed: 2);
        env.Step([0.5f, 0, 0, 0, 0, -0.25f]);
        Assert.Equal(0f, env.Infos.Value("reward_forward")[0]);
        Assert.Equal(-2 * (0.25 + 0.0625), env.Infos.Value("reward_ctrl")[0], 6);
        Assert.Equal(3 - 2 * (0.25 + 0.0625), env.Rewards[0], 5);
    }

    /// <summary>A state at rest at torso height <paramref name="z"/> with both thighs swung back horizontal and the legs
    /// pointing up from the knees: the lowest point is 0.25 below the torso centre, clear of the floor.</summary>
    static double[] FoldedAtHeight(IPhysicsState env, double z)
    {
        var s = new double[env.PhysicsStateSize];
        s[1 + 1] = z;
        s[1 + 3] = s[1 + 6] = -Math.PI / 2;
        s[1 + 4] = s[1 + 7] = -1.5;
        return s;
    }

    public static TheoryData<string, int, double, bool> HealthBoundaries() => new()
    {
        // name, index into [time, qpos, qvel], value, terminated
        { "torso height 0.79", -1, 0.79, true },
        { "torso height 0.81", -1, 0.81, false },
        { "torso height 2.05", 1 + 1, 2.05, true },
        { "torso height 1.95", 1 + 1, 1.95, false },
        { "torso angle 1.05", 1 + 2, 1.05, true },
        { "torso angle -1.05", 1 + 2, -1.05, true },
        { "torso angle 0.95", 1 + 2, 0.95, false },
        { "x velocity 200 (no state range)", 1 + Nq + 0, 200, false },
    };

    [Theory]
    [MemberData(nameof(HealthBoundaries))]
    public void Leaving_the_healthy_ranges_terminates_without_healthy_reward(string name, int index, double value, bool terminated)
    {
        using var env = new Walker2d(1);
        env.Reset(seed: 4);
        // Index -1 means a folded pose at height `value`; otherwise the standing pose (feet 4 cm above the floor)
        // with one entry changed. One 8 ms step barely moves either.
        var s = index < 0 ? FoldedAtHeight(env, value) : new double[env.PhysicsStateSize];
        if (index >= 0)
        {
            s[1 + 1] = 1.25;
            s[index] = value;
        }
        env.SetPhysicsState(0, s);
        env.Step(new float[Nu]);
        Assert.True(terminated == env.Terminated[0], $"{name}: expected terminated = {terminated}");
        Assert.False(env.Truncated[0], name);
        Assert.Equal(terminated ? 0f : 1f, env.Infos.Value("reward_healthy")[0]);
    }

    [Fact]
    public void Unhealthy_state_does_not_terminate_when_termination_is_disabled()
    {
        using var env = new Walker2d(1, terminateWhenUnhealthy: false);
        env.Reset(seed: 4);
        env.SetPhysicsState(0, FoldedAtHeight(env, 0.7));
        env.Step(new float[Nu]);
        Assert.False(env.Terminated[0]);
        Assert.Equal(0f, env.Infos.Value("reward_healthy")[0]);
    }

    [Fact]
    public void Walker_without_actions_collapses_and_terminates()
    {
        using var env = new Walker2d(1);
        env.Reset(seed: 0);
        var zeros = new float[Nu];
        int step = 0;
        while (!env.Terminated[0] && step < 400)
        {
            env.Step(zeros);
            step++;
        }
        Assert.True(env.Terminated[0], "a passive walker should fall within 400 steps (3.2 s)");
        Assert.True(step > 10, $"terminated after only {step} steps");
        var s = State(env, 0);
        Assert.False(ExpectedHealthy(s), $"terminated at z = {s[2]}, angle = {s[3]}");
    }

    [Fact]
    public void Random_rollout_of_1000_steps_stays_finite_and_episodes_end()
    {
        using var env = Envs.Make("Walker2d-v1", 2, seed: 21);
        var rng = new SimRandom(7);
        int terminations = 0;
        var actions = new float[2 * Nu];
        for (int t = 0; t < 1000; t++)
        {
            for (int i = 0; i < actions.Length; i++) actions[i] = (float)rng.Uniform(-1, 1);
            env.Step(actions);
            foreach (var o in env.Observations) Assert.True(float.IsFinite(o));
            foreach (var r in env.Rewards) Assert.True(float.IsFinite(r));
            Assert.All(env.Infos.Flag("diverged"), d => Assert.False(d));
            foreach (var done in env.Terminated) terminations += done ? 1 : 0;
        }
        Assert.True(terminations >= 2, $"random walkers fall; saw {terminations} terminations");
    }

    [Fact]
    public void Registry_truncates_a_healthy_episode_at_1000_steps()
    {
        using var env = Envs.Make("Walker2d-v1", 1, seed: 2);
        var walker = ((VectorEnvWrapper)env).Find<Walker2d>()!;
        var standing = State(walker, 0);
        var zeros = new float[Nu];
        for (int t = 1; t <= 1000; t++)
        {
            // Put it back on its feet each step so it never falls.
            walker.SetPhysicsState(0, standing);
            env.Step(zeros);
            Assert.False(env.Terminated[0], $"step {t}");
            Assert.Equal(t == 1000, env.Truncated[0]);
        }
        env.Step(zeros);
        Assert.True(env.EpisodeStarted[0]);
    }

    [Fact]
    public void Trajectories_are_identical_with_one_or_two_threads()
    {
        const int n = 4, steps = 150;
        using var single = new Walker2d(n, new VectorEnvOptions { NumThreads = 1 });
        using var dual = new Walker2d(n, new VectorEnvOptions { NumThreads = 2 });
        single.Reset(seed: 8);
        dual.Reset(seed: 8);
        var rng = new SimRandom(3);
        int ended = 0;
        for (int t = 0; t < steps; t++)
        {
            var actions = RandomActions(ref rng, n * Nu);
            single.Step(actions);
            dual.Step(actions);
            Assert.True(single.Observations.SequenceEqual(dual.Observations), $"observations differ at step {t}");
            Assert.True(single.Rewards.SequenceEqual(dual.Rewards), $"rewards differ at step {t}");
            Assert.True(single.Terminated.SequenceEqual(dual.Terminated), $"terminations differ at step {t}");
            foreach (var done in single.Terminated) ended += done ? 1 : 0;
        }
        Assert.True(ended > 0, "the comparison should cover autoresets");
    }

    [Fact]
    public void Stepping_allocates_nothing_across_autoresets()
    {
        using var env = Envs.Make("Walker2d-v1", 8, seed: 5);
        var actions = new float[8 * Nu];
        var rng = new SimRandom(1);
        for (int i = 0; i < actions.Length; i++) actions[i] = (float)rng.Uniform(-1, 1);
        for (int t = 0; t < 100; t++) env.Step(actions);
        int resets = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 300; t++)
        {
            env.Step(actions);
            foreach (var started in env.EpisodeStarted) resets += started ? 1 : 0;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(resets > 0, "the measured steps should include autoresets");
    }
}
