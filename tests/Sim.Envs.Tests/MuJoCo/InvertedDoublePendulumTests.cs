using Sim.Envs.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>InvertedDoublePendulum-v5: observation layout, the v5 reward and termination computed by hand from the pose.</summary>
/// <remarks>With one physics step of 10 ms per env step, starting at rest, the tip the reward reads is within a few
/// millimetres of the starting pose (the RK4 stages move it slightly), so the tip follows from the pole angles to within
/// 0.005 of the penalty: each pole is 0.6 m and a hinge angle θ about y turns (0, 0, L) into (L sin θ, 0, L cos θ).</remarks>
public class InvertedDoublePendulumTests
{
    static (double Reward, double Distance, double Velocity) Expected(double cartX, double theta1, double theta2, double[] after, bool terminated)
    {
        double tipX = cartX + 0.6 * Math.Sin(theta1) + 0.6 * Math.Sin(theta1 + theta2);
        double tipZ = 0.6 * Math.Cos(theta1) + 0.6 * Math.Cos(theta1 + theta2);
        double distance = 0.01 * tipX * tipX + (tipZ - 2) * (tipZ - 2);
        double w1 = after[1 + 3 + 1], w2 = after[1 + 3 + 2];
        double velocity = 1e-3 * w1 * w1 + 5e-3 * w2 * w2;
        return ((terminated ? 0 : 10) - distance - velocity, distance, velocity);
    }

    [Theory]
    [InlineData(0.5, 0.3, -0.2, false)] // tip at z = 0.6 cos 0.3 + 0.6 cos 0.1 ≈ 1.17: alive
    [InlineData(-0.2, 1.2, 0.4, true)]  // tip at z = 0.6 cos 1.2 + 0.6 cos 1.6 ≈ 0.21: fallen
    public void Reward_is_survive_minus_distance_and_velocity_penalties(double cartX, double theta1, double theta2, bool fallen)
    {
        using var env = new InvertedDoublePendulum(1, frameSkip: 1);
        env.Reset(3);
        var state = State(env, 0);
        state[1] = cartX;
        state[2] = theta1;
        state[3] = theta2;
        state[4] = state[5] = state[6] = 0;
        env.SetPhysicsState(0, state);
        env.Step([0.3f]);
        var after = State(env, 0);

        var (reward, distance, velocity) = Expected(cartX, theta1, theta2, after, fallen);
        Assert.Equal(fallen, env.Terminated[0]);
        Assert.Equal(fallen ? 0f : 10f, env.Infos.Value("reward_survive")[0]);
        Assert.Equal(-distance, env.Infos.Value("distance_penalty")[0], 0.005);
        Assert.Equal(-velocity, env.Infos.Value("velocity_penalty")[0], 5);
        Assert.Equal(reward, env.Rewards[0], 0.005);
        Assert.Contains("distance_penalty", env.Infos.RewardTerms);
    }

    [Fact]
    public void Observation_is_cart_x_sines_cosines_clipped_velocities_and_constraint_force()
    {
        using var env = new InvertedDoublePendulum(1);
        env.Reset(5);
        var state = State(env, 0);
        state[1 + 3 + 0] = 40; // cart velocity beyond the clip
        env.SetPhysicsState(0, state);
        env.Step([0f]);
        var after = State(env, 0);
        var obs = env.Observations;
        Assert.Equal(9, obs.Length);
        Assert.Equal((float)after[1], obs[0]);
        Assert.Equal((float)Math.Sin(after[2]), obs[1]);
        Assert.Equal((float)Math.Sin(after[3]), obs[2]);
        Assert.Equal((float)Math.Cos(after[2]), obs[3]);
        Assert.Equal((float)Math.Cos(after[3]), obs[4]);
        Assert.Equal(Math.Clamp((float)after[4], -10f, 10f), obs[5]);
        Assert.Equal((float)after[6], obs[7]);
    }

    [Fact]
    public void Registry_entry_has_1000_steps_and_threshold_9100() =>
        MuJoCoEnvAssertions.RegistryEntryIs("InvertedDoublePendulum-v5", rewardThreshold: 9100, observationSize: 9);
}
