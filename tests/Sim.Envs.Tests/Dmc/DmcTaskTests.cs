using Sim.Envs.Dmc;
using Sim.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.Dmc;

/// <summary>The DeepMind Control-style tasks: rewards computed by hand for bodies in free fall (where position and velocity
/// follow in closed form), observation layouts, resets, the time limit and the action repeat.</summary>
public class DmcTaskTests
{
    const double Gravity = 9.81;

    // Semi-implicit Euler (MuJoCo's): after n steps of dt from rest, a falling body has dropped g·dt²·n(n+1)/2.
    static double FreeFallDrop(double dt, int steps) => Gravity * dt * dt * steps * (steps + 1) / 2;

    /// <summary>Sets env 0 of <paramref name="env"/> to time 0, all joints at 0 and at rest, then applies <paramref name="edit"/> to
    /// the [time, qpos, qvel, act] state.</summary>
    static void Pose(DmcEnv env, Action<double[]> edit)
    {
        var state = State(env, 0);
        Array.Clear(state);
        edit(state);
        env.SetPhysicsState(0, state);
    }

    [Theory]
    [InlineData(DmcWalker.WalkSpeed, 0.75)]
    [InlineData(DmcWalker.RunSpeed, 6.0)]
    public void Walker_lying_in_the_air_earns_stand_times_move_by_hand(double target, double speed)
    {
        using var env = new DmcWalker(1, target);
        env.Reset(1);
        // qpos = [rootz, rootx, rooty, ...]: lying flat (pitch π/2) with the torso at 0.9 m, gliding forward at `speed`.
        Pose(env, s =>
        {
            s[1 + 0] = 0.9 - 1.3;
            s[1 + 2] = Math.PI / 2;
            s[1 + 9 + 1] = speed;
        });
        env.Step(new float[6]);

        double height = 0.9 - FreeFallDrop(0.0025, 10);
        double standing = Math.Pow(0.1, Math.Pow((1.2 - height) / 0.6, 2)); // gaussian: v^(d²)
        double upright = (1 + Math.Cos(Math.PI / 2)) / 2;
        double stand = (3 * standing + upright) / 4;
        // speed is a quarter of the target short: d = (s/4)/(s/2) = 0.5, linear with 0.5 at the margin gives 0.75.
        double move = 0.75;
        double expected = stand * (5 * move + 1) / 6;
        Assert.Equal(expected, env.Rewards[0], 5);
        Assert.Equal(env.Rewards[0], env.Infos.Value("reward_task")[0]);
        Assert.False(env.Terminated[0]);
        Assert.False(env.Truncated[0]);
        Assert.Equal(height, env.Observations[14], 5);
    }

    [Fact]
    public void Walker_upright_in_the_air_at_the_target_speed_earns_1()
    {
        using var env = new DmcWalker(1, DmcWalker.WalkSpeed);
        env.Reset(1);
        Pose(env, s =>
        {
            s[1 + 0] = 0.5; // torso at 1.8 m, feet well above the floor
            s[1 + 9 + 1] = 1.0;
        });
        env.Step(new float[6]);
        Assert.Equal(1.0, env.Rewards[0], 6);
    }

    [Fact]
    public void Walker_observes_orientations_height_and_qvel()
    {
        using var env = new DmcWalker(1, DmcWalker.WalkSpeed);
        env.Reset(3);
        env.Step([0.5f, -0.5f, 0.2f, 0.1f, 0.3f, -0.2f]);
        var data = env.Data(0);
        Assert.Equal(24, env.Observations.Length);
        for (int b = 1; b <= 7; b++)
        {
            Assert.Equal((float)data.xmat[9 * b], env.Observations[2 * (b - 1)]);
            Assert.Equal((float)data.xmat[9 * b + 2], env.Observations[2 * (b - 1) + 1]);
        }
        Assert.Equal((float)data.xpos[3 * 1 + 2], env.Observations[14]);
        for (int i = 0; i < 9; i++) Assert.Equal((float)data.qvel[i], env.Observations[15 + i]);
    }

    [Fact]
    public void Walker_reset_draws_joints_within_their_ranges_and_any_pitch()
    {
        const int n = 64;
        using var env = new DmcWalker(n, DmcWalker.WalkSpeed);
        env.Reset(7);
        double minPitch = double.MaxValue, maxPitch = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            var q = env.Data(i).qpos;
            Assert.Equal(0.0, q[0]);
            Assert.Equal(0.0, q[1]);
            minPitch = Math.Min(minPitch, q[2]);
            maxPitch = Math.Max(maxPitch, q[2]);
            double[] low = [-20, -150, -45, -20, -150, -45], high = [100, 0, 45, 100, 0, 45];
            for (int j = 0; j < 6; j++) Assert.InRange(q[3 + j] * 180 / Math.PI, low[j], high[j]);
            Assert.All(env.Data(i).qvel.ToArray(), v => Assert.Equal(0.0, v));
        }
        Assert.True(minPitch < -2 && maxPitch > 2, $"pitches in [{minPitch}, {maxPitch}]: expected draws across [-π, π]");
    }

    [Theory]
    [InlineData(4.0, 0.4)]
    [InlineData(12.0, 1.0)]
    [InlineData(-3.0, 0.0)]
    public void Cheetah_in_the_air_earns_its_speed_over_10_clipped(double speed, double expected)
    {
        using var env = new DmcCheetah(1);
        env.Reset(1);
        // qpos = [rootx, rootz, rooty, ...]: 2 m up, every body moving at `speed` along x.
        Pose(env, s =>
        {
            s[1 + 1] = 2;
            s[1 + 9 + 0] = speed;
        });
        env.Step(new float[6]);
        Assert.Equal(expected, env.Rewards[0], 6);
        // Observation: qpos without rootx, then qvel; rootz after one 10 ms step of free fall.
        Assert.Equal(17, env.Observations.Length);
        Assert.Equal(2 - FreeFallDrop(0.01, 1), env.Observations[0], 6);
        Assert.Equal((float)speed, env.Observations[8]);
    }

    [Fact]
    public void Cheetah_reset_settles_and_restarts_the_clock()
    {
        using var env = new DmcCheetah(4);
        env.Reset(2);
        for (int i = 0; i < 4; i++)
        {
            var data = env.Data(i);
            Assert.Equal(0.0, data.time);
            // After 2 s of settling the torso has come down from its 0.7 m start (rootz = 0) onto its legs.
            Assert.True(data.qpos[1] < -0.05, $"env {i}: rootz {data.qpos[1]} after settling");
        }
    }

    [Fact]
    public void Action_repeat_sums_the_control_steps_and_shortens_the_episode_to_1000_control_steps()
    {
        using var env = new DmcCheetah(1, actionRepeat: 2);
        env.Reset(1);
        Assert.Equal(0.02, env.Dt, 12);
        Pose(env, s =>
        {
            s[1 + 1] = 2;
            s[1 + 9 + 0] = 4;
        });
        env.Step(new float[6]);
        Assert.Equal(0.8, env.Rewards[0], 6);
        env.Reset(1);
        var action = new float[6];
        for (int t = 1; t < 500; t++)
        {
            env.Step(action);
            Assert.False(env.Truncated[0], $"truncated at env step {t}");
        }
        env.Step(action);
        Assert.True(env.Truncated[0]);
        Assert.False(env.Terminated[0]);
    }

    [Theory]
    [InlineData(0.0, 0.75)]
    [InlineData(60.0, 0.5625)]
    public void Quadruped_in_the_air_earns_upright_times_move_by_hand(double rollDegrees, double expected)
    {
        using var env = new DmcQuadruped(1);
        env.Reset(1);
        double half = rollDegrees * Math.PI / 360;
        // Rolled about x, 2 m up, moving along x at 0.25 m/s: the torso's x axis stays the world's, so the velocimeter's
        // forward speed is 0.25 (move: d = 0.5, linear with 0.5 at the margin: 0.75) and upright is (1 + cos roll)/2.
        Pose(env, s =>
        {
            s[1 + 2] = 2;
            s[1 + 3] = Math.Cos(half);
            s[1 + 4] = Math.Sin(half);
            s[1 + 19 + 0] = 0.25;
        });
        env.Step(new float[12]);
        Assert.Equal(expected, env.Rewards[0], 6);
        var data = env.Data(0);
        Assert.Equal(58, env.Observations.Length);
        // Observation: 12 joint positions, 12 velocities, then the velocimeter and the upright zz.
        Assert.Equal(0.25, env.Observations[24], 6);
        Assert.Equal(Math.Cos(rollDegrees * Math.PI / 180), env.Observations[27], 6);
        Assert.Equal((float)data.xmat[9 * 1 + 8], env.Observations[27]);
    }

    [Fact]
    public void Quadruped_reset_faces_a_random_way_and_touches_nothing()
    {
        const int n = 32;
        using var env = new DmcQuadruped(n);
        env.Reset(4);
        int upsideDown = 0;
        for (int i = 0; i < n; i++)
        {
            var data = env.Data(i);
            var q = data.qpos;
            Assert.Equal(1.0, q[3] * q[3] + q[4] * q[4] + q[5] * q[5] + q[6] * q[6], 12);
            Assert.Equal(0, data.ncon);
            for (int j = 7; j < 19; j++) Assert.Equal(0.0, q[j]);
            upsideDown += data.xmat[9 * 1 + 8] < 0 ? 1 : 0;
        }
        Assert.InRange(upsideDown, 4, n - 4);
    }

    [Theory]
    [InlineData("WalkerWalk-dmc", 24, 6)]
    [InlineData("WalkerRun-dmc", 24, 6)]
    [InlineData("CheetahRun-dmc", 17, 6)]
    [InlineData("QuadrupedWalk-dmc", 58, 12)]
    public void Registry_entries_have_1000_steps_and_take_action_repeat(string id, int observationSize, int actionSize)
    {
        MuJoCo.MuJoCoEnvAssertions.RegistryEntryIs(id, rewardThreshold: null, observationSize);
        using var env = Envs.Make(id, 1, seed: 1, arguments: new Dictionary<string, string> { ["action_repeat"] = "4" });
        Assert.Equal(actionSize, env.SingleActionSpace.FlatSize);
        var inner = Assert.IsAssignableFrom<DmcEnv>(((Core.Wrappers.VectorEnvWrapper)env).Find<DmcEnv>());
        Assert.Equal(4, inner.ActionRepeat);
        Assert.Equal(4 * inner.ControlTimestep, inner.Dt, 12);
    }
}
