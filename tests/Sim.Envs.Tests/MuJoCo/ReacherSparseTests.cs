using Sim.Envs.MuJoCo;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

public class ReacherSparseTests
{
    const double Q0 = 0.4, Q1 = -0.7;

    /// <summary>Fingertip of Reacher's arm from its link lengths: 0.1 m to the elbow, then 0.11 m to the fingertip.</summary>
    static (double X, double Y) Fingertip(double q0, double q1) =>
        (0.1 * Math.Cos(q0) + 0.11 * Math.Cos(q0 + q1), 0.1 * Math.Sin(q0) + 0.11 * Math.Sin(q0 + q1));

    /// <summary>Arm at rest at (Q0, Q1), target at the fingertip moved by <paramref name="offset"/> along the unit vector (0.6, 0.8).</summary>
    static double[] StateWithTargetOffset(ReacherSparse env, double offset)
    {
        var (x, y) = Fingertip(Q0, Q1);
        var s = new double[env.PhysicsStateSize];
        s[1] = Q0;
        s[2] = Q1;
        s[3] = x + 0.6 * offset;
        s[4] = y + 0.8 * offset;
        return s;
    }

    [Theory]
    [InlineData(0.0, 1f)]
    [InlineData(0.045, 1f)]
    [InlineData(0.055, 0f)]
    [InlineData(0.15, 0f)]
    public void Reward_is_1_exactly_when_the_fingertip_is_within_0_05_of_the_target(double offset, float expected)
    {
        using var env = new ReacherSparse(1);
        env.Reset(seed: 1);
        env.SetPhysicsState(0, StateWithTargetOffset(env, offset));
        // The hand kinematics agree with the model's: the fingertip body sits where the formula says.
        int tip = env.Model.NameToId(MjObject.Body, "fingertip");
        var (x, y) = Fingertip(Q0, Q1);
        Assert.Equal(x, env.Data(0).xpos[3 * tip], 1e-12);
        Assert.Equal(y, env.Data(0).xpos[3 * tip + 1], 1e-12);

        env.Step([0f, 0f]); // at rest with no torque, the arm stays put
        Assert.Equal(expected, env.Rewards[0]);
        Assert.Equal(expected, env.Infos.Value("reward_success")[0]);
        Assert.Equal(expected == 1f, env.Infos.Flag("is_success")[0]);
        Assert.False(env.Terminated[0]);
    }

    [Fact]
    public void Reward_follows_the_fingertip_distance_over_a_random_rollout()
    {
        const int n = 4;
        using var env = new ReacherSparse(n);
        env.Reset(seed: 30);
        int tip = env.Model.NameToId(MjObject.Body, "fingertip");
        int target = env.Model.NameToId(MjObject.Body, "target");
        var rng = new Random(6);
        var actions = new float[2 * n];
        for (int t = 0; t < 60; t++)
        {
            for (int k = 0; k < actions.Length; k++) actions[k] = (float)(rng.NextDouble() * 2 - 1);
            env.Step(actions);
            for (int i = 0; i < n; i++)
            {
                var xpos = env.Data(i).xpos;
                double dx = xpos[3 * tip] - xpos[3 * target], dy = xpos[3 * tip + 1] - xpos[3 * target + 1];
                Assert.Equal(Math.Sqrt(dx * dx + dy * dy) < 0.05 ? 1f : 0f, env.Rewards[i]);
            }
        }
    }

    [Fact]
    public void Registry_entry_has_50_steps_and_no_threshold()
    {
        var spec = Envs.Registry.Spec("ReacherSparse-v1");
        Assert.Equal(50, spec.MaxEpisodeSteps);
        Assert.Null(spec.RewardThreshold);
        using var env = Envs.Make("ReacherSparse-v1", 2, seed: 4);
        Assert.Equal(10, env.SingleObservationSpace.FlatSize);
        Assert.Equal(2, env.SingleActionSpace.FlatSize);
    }
}
