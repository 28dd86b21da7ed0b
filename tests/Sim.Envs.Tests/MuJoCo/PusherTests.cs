using Sim.Envs.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Pusher-v5: spaces, the reset distribution of object and goal, and the v5 reward computed by hand from a pose
/// whose body positions follow from the model's offsets.</summary>
public class PusherTests
{
    // qpos: 7 arm joints, object (y, x), goal (y, x).
    const int ObjectY = 7, ObjectX = 8, GoalY = 9, GoalX = 10, WristRoll = 6;

    [Fact]
    public void Spaces_are_23_observations_and_7_torques_in_plus_minus_2()
    {
        using var env = new Pusher(1);
        Assert.Equal(23, env.SingleObservationSpace.FlatSize);
        MuJoCoEnvAssertions.ActionSpaceIsBox(env.SingleActionSpace, 7, -2f, 2f);
        Assert.Equal(0.05, env.Dt, 12);
    }

    [Fact]
    public void Reset_keeps_the_arm_at_rest_pose_and_draws_the_object_away_from_the_goal()
    {
        const int n = 200;
        using var env = new Pusher(n);
        env.Reset(seed: 5);
        bool nearTheLimit = false;
        for (int i = 0; i < n; i++)
        {
            var s = State(env, i);
            for (int j = 0; j < 7; j++)
            {
                Assert.Equal(0.0, s[1 + j]);
                Assert.InRange(s[1 + 11 + j], -0.005, 0.005);
            }
            double y = s[1 + ObjectY], x = s[1 + ObjectX];
            Assert.InRange(y, -0.3, 0.0);
            Assert.InRange(x, -0.2, 0.2);
            double d = Math.Sqrt(x * x + y * y);
            Assert.True(d > 0.17, $"env {i}: object ({y}, {x}) is {d} from the goal, expected more than 0.17");
            nearTheLimit |= d < 0.2;
            Assert.Equal(0.0, s[1 + GoalY]);
            Assert.Equal(0.0, s[1 + GoalX]);
            for (int j = 7; j < 11; j++) Assert.Equal(0.0, s[1 + 11 + j]);
        }
        Assert.True(nearTheLimit, "some of 200 draws should land just outside the 0.17 exclusion");
    }

    [Fact]
    public void Reward_is_minus_dist_minus_half_near_minus_a_tenth_of_the_squared_torque()
    {
        using var env = new Pusher(1);
        env.Reset(seed: 2);
        var state = State(env, 0);
        Array.Clear(state, 1, 22); // arm at qpos0, everything at rest
        state[1 + ObjectY] = -0.1;
        state[1 + ObjectX] = 0.2;
        state[1 + GoalY] = 0.05;
        state[1 + GoalX] = -0.1;
        env.SetPhysicsState(0, state);
        // Rolling the wrist turns the claw about the x axis through the fingertip body's origin, so the fingertip
        // stays where the chain of offsets puts it: (0.1 + 0.4 + 0.321, -0.6, 0). Nothing else moves: no gravity, no contact.
        float torque = 1.5f;
        env.Step([0, 0, 0, 0, 0, 0, torque]);

        double[] fingertip = [0.821, -0.6, 0], obj = [0.45 + 0.2, -0.05 - 0.1, -0.275], goal = [0.45 - 0.1, -0.05 + 0.05, -0.323];
        double dist = -Norm(obj, goal), near = -0.5 * Norm(obj, fingertip), ctrl = -0.1 * torque * torque;
        Assert.Equal(dist, env.Infos.Value("reward_dist")[0], 5);
        Assert.Equal(near, env.Infos.Value("reward_near")[0], 5);
        Assert.Equal(ctrl, env.Infos.Value("reward_ctrl")[0], 6);
        Assert.Equal(dist + near + ctrl, env.Rewards[0], 5);
        Assert.False(env.Terminated[0]);
        Assert.True(env.Data(0).qpos[WristRoll] > 0.01, "the wrist should have rolled");
        float[] positions = [.. fingertip.Concat(obj).Concat(goal).Select(v => (float)v)];
        for (int k = 0; k < 9; k++) Assert.Equal(positions[k], env.Observations[14 + k], 5);
        Assert.Equal((float)env.Data(0).qpos[WristRoll], env.Observations[WristRoll]);
        Assert.Equal((float)env.Data(0).qvel[WristRoll], env.Observations[7 + WristRoll]);
    }

    [Fact]
    public void Reward_weights_scale_their_terms()
    {
        using var env = Envs.Make("Pusher-v5", 1, seed: 4, arguments: new Dictionary<string, string>
        {
            ["reward_near_weight"] = "0", ["reward_dist_weight"] = "2", ["reward_control_weight"] = "1",
        });
        using var reference = Envs.Make("Pusher-v5", 1, seed: 4);
        float[] action = [1, 0, 0, 0, 0, 0, 0];
        env.Step(action);
        reference.Step(action);
        Assert.Equal(0f, env.Infos.Value("reward_near")[0]);
        Assert.Equal(2 * reference.Infos.Value("reward_dist")[0], env.Infos.Value("reward_dist")[0], 5);
        Assert.Equal(-1f, env.Infos.Value("reward_ctrl")[0]);
        Assert.Equal(-0.1f, reference.Infos.Value("reward_ctrl")[0], 6);
    }

    [Fact]
    public void Registry_entry_has_100_steps_and_threshold_0() =>
        MuJoCoEnvAssertions.RegistryEntryIs("Pusher-v5", rewardThreshold: 0.0, observationSize: 23, maxEpisodeSteps: 100);

    static double Norm(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (u, v) => (u - v) * (u - v)).Sum());
}
