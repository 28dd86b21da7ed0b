using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>The tests Hopper-v1 and Walker2d-v1 share as planar walkers (reset noise, observation layout, v5 reward and
/// health rules, time limit, threading, allocation); each subclass adds its model facts and health boundaries.</summary>
public abstract class PlanarWalkerTests<TEnv> where TEnv : PlanarWalkerEnv
{
    /// <summary>Seconds per env step of both walkers: 4 physics steps of 2 ms.</summary>
    protected const double Dt = 0.002 * 4;

    /// <summary>Registry id of the walker.</summary>
    protected abstract string Id { get; }

    /// <summary>Number of qpos entries, also the number of qvel entries (every joint is a slide or a hinge).</summary>
    protected abstract int NumQpos { get; }

    /// <summary>Number of actuators.</summary>
    protected abstract int NumActuators { get; }

    /// <summary>A torso height at which the folded walker is unhealthy.</summary>
    protected abstract double UnhealthyHeight { get; }

    /// <summary>The walker with its default parameters.</summary>
    protected abstract TEnv Create(int numEnvs, VectorEnvOptions? options = null);

    /// <summary>The walker with other reward weights.</summary>
    protected abstract TEnv CreateWithWeights(double forwardRewardWeight, double ctrlCostWeight, double healthyReward);

    /// <summary>The walker with terminateWhenUnhealthy off.</summary>
    protected abstract TEnv CreateWithoutTermination();

    /// <summary>Gymnasium v5's is_healthy of the walker, written out from its definition over [time, qpos, qvel].</summary>
    protected abstract bool ExpectedHealthy(double[] s);

    int ObservationSize => NumQpos - 1 + NumQpos;

    /// <summary>Both walkers stand with the torso 1.25 m up and every joint at 0.</summary>
    double[] StandingQpos()
    {
        var qpos = new double[NumQpos];
        qpos[1] = 1.25;
        return qpos;
    }

    /// <summary>Dimensions, timing, joint names, initial pose and actuators (gear <paramref name="gear"/>, range [−1, 1],
    /// actuator i driving joint 3 + i and named after it).</summary>
    protected void AssertPlanarModel(TEnv env, string[] joints, double gear)
    {
        var m = env.Model;
        Assert.Equal(NumQpos, m.nq);
        Assert.Equal(NumQpos, m.nv);
        Assert.Equal(NumActuators, m.nu);
        Assert.Equal(0.002, m.Timestep);
        Assert.Equal(4, env.FrameSkip);
        Assert.Equal(0.008, env.Dt, 12);
        for (int j = 0; j < joints.Length; j++) Assert.Equal(joints[j], m.IdToName(MjObject.Joint, j));
        Assert.Equal(StandingQpos(), m.qpos0.ToArray());
        for (int i = 0; i < NumActuators; i++)
        {
            Assert.Equal(gear, m.actuator_gear[6 * i]);
            Assert.Equal(-1, m.actuator_ctrlrange[2 * i]);
            Assert.Equal(1, m.actuator_ctrlrange[2 * i + 1]);
            Assert.Equal(3 + i, m.actuator_trnid[2 * i]);
            Assert.Equal(joints[3 + i], m.IdToName(MjObject.Actuator, i));
        }
    }

    /// <summary>Unbounded observations of qpos without x and qvel; actions in the unit box.</summary>
    protected void AssertSpaces()
    {
        using var env = Create(2);
        var obs = Assert.IsType<Box>(env.SingleObservationSpace);
        Assert.Equal(ObservationSize, obs.FlatSize);
        foreach (var low in obs.Low) Assert.Equal(float.NegativeInfinity, low);
        MuJoCoEnvAssertions.ActionSpaceIsBox(env.SingleActionSpace, NumActuators, -1f, 1f);
    }

    /// <summary>The registry entry: 1000-step episodes under a time limit and the given reward threshold.</summary>
    protected void AssertRegistryEntry(double? rewardThreshold) => MuJoCoEnvAssertions.RegistryEntryIs(Id, rewardThreshold, ObservationSize);

    /// <summary>Steps once from a pose with the given velocities, checks the observation is qpos[1..] then qvel clipped to
    /// ±10, and returns it.</summary>
    protected float[] ObservationAfterStepWithVelocities(params (int Dof, double Value)[] velocities)
    {
        using var env = Create(1);
        env.Reset(seed: 3);
        var s = State(env, 0);
        foreach (var (dof, value) in velocities) s[1 + NumQpos + dof] = value;
        env.SetPhysicsState(0, s);
        env.Step(new float[NumActuators]);
        var after = State(env, 0);
        var obs = env.Observations.ToArray();
        for (int j = 1; j < NumQpos; j++) Assert.Equal((float)after[1 + j], obs[j - 1]);
        for (int j = 0; j < NumQpos; j++) Assert.Equal((float)Math.Clamp(after[1 + NumQpos + j], -10, 10), obs[NumQpos - 1 + j]);
        return obs;
    }

    /// <summary>A state at rest at torso height <paramref name="z"/> with every thigh swung back horizontal and every leg
    /// pointing up from its knee: the lowest point is 0.25 below the torso centre, so low heights stay clear of the floor.</summary>
    protected double[] FoldedAtHeight(IPhysicsState env, double z)
    {
        var s = new double[env.PhysicsStateSize];
        s[1 + 1] = z;
        for (int thigh = 3; thigh < NumQpos; thigh += 3)
        {
            s[1 + thigh] = -Math.PI / 2;
            s[1 + thigh + 1] = -1.5;
        }
        return s;
    }

    /// <summary>One zero-action step from a state that is either the folded pose at height <paramref name="value"/>
    /// (<paramref name="index"/> −1) or the standing pose (feet 4 cm above the floor) with entry <paramref name="index"/>
    /// of [time, qpos, qvel] set to <paramref name="value"/>; one 8 ms step barely moves either.</summary>
    protected void AssertHealthBoundary(string name, int index, double value, bool terminated)
    {
        using var env = Create(1);
        env.Reset(seed: 4);
        var s = index < 0 ? FoldedAtHeight(env, value) : new double[env.PhysicsStateSize];
        if (index >= 0)
        {
            s[1 + 1] = 1.25;
            s[index] = value;
        }
        env.SetPhysicsState(0, s);
        MuJoCoEnvAssertions.ZeroActionStep(env, terminated, terminated ? 0f : 1f, name);
    }

    /// <summary>Steps a passive walker until it terminates (within 400 steps, 3.2 s, but not in the first 10, as it starts
    /// upright) and returns its final state.</summary>
    protected double[] StateWhenPassiveWalkerFalls()
    {
        using var env = Create(1);
        env.Reset(seed: 0);
        var zeros = new float[NumActuators];
        int step = 0;
        while (!env.Terminated[0] && step < 400)
        {
            env.Step(zeros);
            step++;
        }
        Assert.True(env.Terminated[0], $"a passive {typeof(TEnv).Name} should fall within 400 steps (3.2 s)");
        Assert.True(step > 10, $"terminated after only {step} steps");
        return State(env, 0);
    }

    [Fact]
    public void Reset_adds_small_uniform_noise_that_depends_on_the_seed()
    {
        using var env = Create(4);
        env.Reset(seed: 11);
        var qpos0 = StandingQpos();
        var first = new double[env.NumEnvs][];
        for (int i = 0; i < env.NumEnvs; i++)
        {
            var s = first[i] = State(env, i);
            for (int j = 0; j < NumQpos; j++)
            {
                double d = s[1 + j] - qpos0[j];
                Assert.True(d >= -5e-3 && d <= 5e-3 && d != 0, $"env {i} qpos[{j}] off by {d}");
            }
            for (int j = 0; j < NumQpos; j++)
            {
                double v = s[1 + NumQpos + j];
                Assert.True(v >= -5e-3 && v <= 5e-3 && v != 0, $"env {i} qvel[{j}] = {v}");
            }
        }
        Assert.NotEqual(first[0], first[1]);
        env.Reset(seed: 11);
        for (int i = 0; i < env.NumEnvs; i++) Assert.Equal(first[i], State(env, i));
    }

    [Fact]
    public void Reward_is_forward_plus_healthy_minus_ctrl_recomputed_from_the_physics_state()
    {
        using var env = Create(1);
        env.Reset(seed: 5);
        var rng = new SimRandom(99);
        int steps = 0;
        for (int t = 0; t < 200; t++)
        {
            // Actions beyond the box: MuJoCo clamps the control, but the cost is on the action as given.
            var action = UniformActions.Sample(ref rng, NumActuators, bound: 1.5);
            double xBefore = State(env, 0)[1];
            env.Step(action);
            var s = State(env, 0);

            double forward = (s[1] - xBefore) / Dt;
            bool healthy = ExpectedHealthy(s);
            double ctrl = 1e-3 * action.Sum(a => (double)a * a);
            MuJoCoEnvAssertions.LocomotionRewardIs(env, forward, healthy: healthy ? 1 : 0, ctrl, contact: null,
                xPosition: s[1], xVelocity: forward, ctrlPrecision: 7);
            Assert.Equal(!healthy, env.Terminated[0]);
            steps++;
            if (env.Terminated[0]) break;
        }
        Assert.True(steps >= 10, $"only {steps} steps checked");
    }

    [Fact]
    public void Reward_weights_are_constructor_arguments()
    {
        using var env = CreateWithWeights(forwardRewardWeight: 0, ctrlCostWeight: 2, healthyReward: 3);
        env.Reset(seed: 2);
        var action = new float[NumActuators];
        action[0] = 0.5f;
        action[^1] = -0.25f;
        env.Step(action);
        Assert.Equal(0f, env.Infos.Value("reward_forward")[0]);
        Assert.Equal(-2 * (0.25 + 0.0625), env.Infos.Value("reward_ctrl")[0], 6);
        Assert.Equal(3f, env.Infos.Value("reward_survive")[0]);
        Assert.Equal(3 - 2 * (0.25 + 0.0625), env.Rewards[0], 5);
    }

    [Fact]
    public void Unhealthy_state_does_not_terminate_when_termination_is_disabled()
    {
        using var env = CreateWithoutTermination();
        env.Reset(seed: 4);
        env.SetPhysicsState(0, FoldedAtHeight(env, UnhealthyHeight));
        MuJoCoEnvAssertions.ZeroActionStep(env, terminated: false, healthyReward: 0f);
    }

    [Fact]
    public void Random_rollout_of_1000_steps_stays_finite_and_episodes_end()
    {
        using var env = Envs.Make(Id, 2, seed: 21);
        int terminations = MuJoCoEnvAssertions.RandomRolloutStaysFinite(env, 1000);
        Assert.True(terminations >= 2, $"random {typeof(TEnv).Name}s fall; saw {terminations} terminations");
    }

    [Fact]
    public void Registry_truncates_a_healthy_episode_at_1000_steps()
    {
        using var env = Envs.Make(Id, 1, seed: 2);
        var walker = ((VectorEnvWrapper)env).Find<TEnv>()!;
        var standing = State(walker, 0);
        var zeros = new float[NumActuators];
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
        int ended = MuJoCoEnvAssertions.ThreadCountDoesNotChangeTrajectories(options => Create(4, options), steps: 150);
        Assert.True(ended > 0, "the comparison should cover autoresets");
    }

    [Fact]
    public void Stepping_allocates_nothing_across_autoresets()
    {
        using var env = Envs.Make(Id, 8, seed: 5);
        int resets = MuJoCoEnvAssertions.SteppingAllocatesNothing(env);
        Assert.True(resets > 0, "the measured steps should include autoresets");
    }
}
