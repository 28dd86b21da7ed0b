using Sim.Core;
using Sim.Foundation;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>HalfCheetah-v1: model dimensions, observation layout, v5 reward, no termination, time limit, threading determinism.</summary>
public class HalfCheetahTests
{
    const int Nq = 9, Nv = 9, Nu = 6;
    const double Dt = 0.01 * 5;

    [Fact]
    public void Model_has_the_gymnasium_cheetah_dimensions()
    {
        using var env = new HalfCheetah(1);
        var m = env.Model;
        Assert.Equal(Nq, m.nq);
        Assert.Equal(Nv, m.nv);
        Assert.Equal(Nu, m.nu);
        Assert.Equal(0.01, m.Timestep);
        Assert.Equal(0, m.opt_integrator); // Euler, unlike the hopper and walker
        Assert.Equal(5, env.FrameSkip);
        Assert.Equal(0.05, env.Dt, 12);
        string[] joints = ["rootx", "rootz", "rooty", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"];
        for (int j = 0; j < joints.Length; j++) Assert.Equal(joints[j], m.IdToName(MjObject.Joint, j));
        Assert.Equal(new double[Nq], m.qpos0.ToArray());
        double[] gears = [120, 90, 60, 120, 60, 30];
        for (int i = 0; i < Nu; i++)
        {
            Assert.Equal(gears[i], m.actuator_gear[6 * i]);
            Assert.Equal(-1, m.actuator_ctrlrange[2 * i]);
            Assert.Equal(1, m.actuator_ctrlrange[2 * i + 1]);
            Assert.Equal(3 + i, m.actuator_trnid[2 * i]); // actuator i drives joint 3 + i, named after it
            Assert.Equal(joints[3 + i], m.IdToName(MjObject.Actuator, i));
        }
        double total = 0;
        foreach (var mass in m.body_mass) total += mass;
        Assert.Equal(14, total, 9);
    }

    [Fact]
    public void Spaces_are_17_observations_and_6_actions_in_unit_box()
    {
        using var env = new HalfCheetah(2);
        Assert.Equal(17, env.SingleObservationSpace.FlatSize);
        MuJoCoEnvAssertions.ActionSpaceIsBox(env.SingleActionSpace, Nu, -1f, 1f);
    }

    [Fact]
    public void Registry_builds_cheetah_with_time_limit_and_threshold() =>
        MuJoCoEnvAssertions.RegistryEntryIs("HalfCheetah-v1", 4800, observationSize: 17);

    [Fact]
    public void Reset_adds_uniform_qpos_noise_and_normal_qvel_noise_of_scale_0_1()
    {
        const int n = 64;
        using var env = new HalfCheetah(n);
        env.Reset(seed: 11);
        double maxQpos = 0, sumSq = 0, sum = 0;
        for (int i = 0; i < n; i++)
        {
            var s = State(env, i);
            for (int j = 0; j < Nq; j++)
            {
                Assert.True(Math.Abs(s[1 + j]) <= 0.1, $"env {i} qpos[{j}] = {s[1 + j]}");
                maxQpos = Math.Max(maxQpos, Math.Abs(s[1 + j]));
            }
            for (int j = 0; j < Nv; j++)
            {
                sum += s[1 + Nq + j];
                sumSq += s[1 + Nq + j] * s[1 + Nq + j];
            }
        }
        Assert.InRange(maxQpos, 0.095, 0.1); // 576 uniform draws reach close to the bound
        int count = n * Nv;
        double mean = sum / count, std = Math.Sqrt(sumSq / count - mean * mean);
        // Std of the sample std is about 0.1 / sqrt(2 · 576) ≈ 0.003; mean's std is about 0.004.
        Assert.InRange(std, 0.088, 0.112);
        Assert.InRange(mean, -0.015, 0.015);
    }

    [Fact]
    public void Observation_is_qpos_without_x_then_unclipped_qvel()
    {
        using var env = new HalfCheetah(1);
        env.Reset(seed: 3);
        var s = State(env, 0);
        s[1 + 1] = 0.5;     // lift the cheetah so it flies for one step
        s[1 + Nq + 0] = 30;
        env.SetPhysicsState(0, s);
        env.Step(new float[Nu]);
        var after = State(env, 0);
        var obs = env.Observations;
        for (int j = 1; j < Nq; j++) Assert.Equal((float)after[1 + j], obs[j - 1]);
        for (int j = 0; j < Nv; j++) Assert.Equal((float)after[1 + Nq + j], obs[Nq - 1 + j]);
        Assert.True(obs[8] > 25, $"x velocity observed as {obs[8]}: it must not be clipped");
    }

    [Fact]
    public void Reward_is_forward_minus_ctrl_recomputed_from_the_physics_state()
    {
        using var env = new HalfCheetah(1);
        env.Reset(seed: 5);
        var rng = new SimRandom(99);
        for (int t = 0; t < 100; t++)
        {
            var action = UniformActions.Sample(ref rng, Nu, bound: 1.5);
            double xBefore = State(env, 0)[1];
            env.Step(action);
            var s = State(env, 0);

            double forward = (s[1] - xBefore) / Dt;
            double ctrl = 0.1 * action.Sum(a => (double)a * a);

            MuJoCoEnvAssertions.LocomotionRewardIs(env, forward, healthy: null, ctrl, contact: null,
                xPosition: s[1], xVelocity: forward, ctrlPrecision: 6);
            Assert.Equal(["reward_forward", "reward_ctrl"], env.Infos.RewardTerms);
            Assert.False(env.Terminated[0]);
        }
    }

    [Fact]
    public void Reward_weights_are_constructor_arguments()
    {
        using var env = new HalfCheetah(1, forwardRewardWeight: 0, ctrlCostWeight: 2);
        env.Reset(seed: 2);
        env.Step([0.5f, 0, 0, 0, 0, -0.25f]);
        Assert.Equal(0f, env.Infos.Value("reward_forward")[0]);
        Assert.Equal(-2 * (0.25 + 0.0625), env.Rewards[0], 5);
    }

    [Fact]
    public void Flipped_cheetah_does_not_terminate()
    {
        using var env = new HalfCheetah(1);
        env.Reset(seed: 4);
        var s = State(env, 0);
        s[1 + 2] = Math.PI; // on its back
        env.SetPhysicsState(0, s);
        var rng = new SimRandom(1);
        for (int t = 0; t < 200; t++)
        {
            env.Step(UniformActions.Sample(ref rng, Nu));
            Assert.False(env.Terminated[0] || env.Truncated[0], $"step {t}");
        }
    }

    [Fact]
    public void Random_episodes_never_terminate_and_are_truncated_at_1000_steps()
    {
        using var env = Envs.Make("HalfCheetah-v1", 2, seed: 21);
        var rng = new SimRandom(7);
        var actions = new float[2 * Nu];
        for (int t = 1; t <= 1000; t++)
        {
            for (int i = 0; i < actions.Length; i++) actions[i] = (float)rng.Uniform(-1, 1);
            env.Step(actions);
            foreach (var o in env.Observations) Assert.True(float.IsFinite(o));
            foreach (var r in env.Rewards) Assert.True(float.IsFinite(r));
            Assert.All(env.Infos.Flag("diverged"), d => Assert.False(d));
            Assert.All(env.Terminated.ToArray(), done => Assert.False(done, $"step {t}"));
            Assert.All(env.Truncated.ToArray(), truncated => Assert.Equal(t == 1000, truncated));
        }
        env.Step(actions);
        Assert.All(env.EpisodeStarted.ToArray(), Assert.True);
    }

    [Fact]
    public void Trajectories_are_identical_with_one_or_two_threads() =>
        MuJoCoEnvAssertions.ThreadCountDoesNotChangeTrajectories(options => new HalfCheetah(4, options), steps: 100);

    [Fact]
    public void Stepping_allocates_nothing()
    {
        using var env = Envs.Make("HalfCheetah-v1", 8, seed: 5);
        MuJoCoEnvAssertions.SteppingAllocatesNothing(env);
    }
}
