using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Envs.ClassicControl;
using static Sim.Envs.Tests.ClassicControl.ClassicControlAssert;

namespace Sim.Envs.Tests.ClassicControl;

public class PendulumTests
{
    // Gymnasium's Pendulum step in double, from the published formulas. The angle is normalised with a floor
    // instead of a modulo: the same map, reached another way.
    static (double Theta, double ThetaDot, double AngleCost, double VelocityCost, double CtrlCost) ReferenceStep(
        double theta, double thetaDot, double action)
    {
        const double maxSpeed = 8, maxTorque = 2, dt = 0.05, g = 10.0, m = 1.0, l = 1.0;
        double u = Math.Min(Math.Max(action, -maxTorque), maxTorque);
        double normalized = theta - 2 * Math.PI * Math.Floor((theta + Math.PI) / (2 * Math.PI));
        double newThetaDot = thetaDot + (3 * g / (2 * l) * Math.Sin(theta) + 3.0 / (m * l * l) * u) * dt;
        newThetaDot = Math.Min(Math.Max(newThetaDot, -maxSpeed), maxSpeed);
        return (theta + newThetaDot * dt, newThetaDot, normalized * normalized, 0.1 * thetaDot * thetaDot, 0.001 * u * u);
    }

    [Fact]
    public void TrajectoriesMatchReference()
    {
        // Actions include values beyond ±2, which the dynamics and the cost clip.
        const int n = 5, steps = 250;
        using var env = new Pendulum(n);
        env.Reset(7);
        var state = new (double Theta, double ThetaDot)[n];
        for (int i = 0; i < n; i++) state[i] = env.GetState(i);
        var rng = new SimRandom(5);
        var actions = new float[n];
        var angle = env.Infos.Value("reward_angle");
        var velocity = env.Infos.Value("reward_velocity");
        var ctrl = env.Infos.Value("reward_ctrl");
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++) actions[i] = (float)rng.Uniform(-3, 3);
            env.Step(actions);
            for (int i = 0; i < n; i++)
            {
                var e = ReferenceStep(state[i].Theta, state[i].ThetaDot, actions[i]);
                var obs = env.Observations.Slice(i * 3, 3);
                Close(Math.Cos(e.Theta), obs[0], 1e-6, $"step {t} env {i} cos θ");
                Close(Math.Sin(e.Theta), obs[1], 1e-6, $"step {t} env {i} sin θ");
                Close(e.ThetaDot, obs[2], 1e-6, $"step {t} env {i} θ̇");
                Close(-(e.AngleCost + e.VelocityCost + e.CtrlCost), env.Rewards[i], 1e-6, $"step {t} env {i} reward");
                Close(-e.AngleCost, angle[i], 1e-6, $"step {t} env {i} angle term");
                Close(-e.VelocityCost, velocity[i], 1e-6, $"step {t} env {i} velocity term");
                Close(-e.CtrlCost, ctrl[i], 1e-6, $"step {t} env {i} ctrl term");
                Assert.False(env.Terminated[i] || env.Truncated[i], "the unwrapped pendulum never ends an episode");
                state[i] = (e.Theta, e.ThetaDot);
                Close(e.Theta, env.GetState(i).Theta, 1e-9, $"step {t} env {i} θ");
            }
        }
    }

    [Fact]
    public void VelocityIsClippedAndCostUsesPreStepStateAndClippedTorque()
    {
        using var env = new Pendulum(2);
        env.Reset(0);
        env.SetState(0, 0, 7.9);          // 7.9 + (0 + 3 × 2) × 0.05 = 8.2 → 8
        env.SetState(1, 3 * Math.PI, 0);  // 3π is the bottom, normalised to −π: cost π²
        env.Step([5f, 0f]);
        Assert.Equal(8f, env.Observations[2]);
        Close(8 * 0.05, env.GetState(0).Theta, 1e-12, "θ after a clipped step");
        // Cost of env 0: 0² + 0.1 × 7.9² + 0.001 × 2² (the action 5 is clipped to 2).
        Close(-(0.1 * 7.9 * 7.9 + 0.001 * 4), env.Rewards[0], 1e-6, "reward of env 0");
        Close(-Math.PI * Math.PI, env.Rewards[1], 1e-6, "reward of env 1");
    }

    [Fact]
    public void TimeLimitTruncatesAfter200Steps()
    {
        using var env = Envs.Make("Pendulum-v1", 3, seed: 1);
        var actions = new float[3];
        for (int t = 1; t <= 200; t++)
        {
            env.Step(actions);
            Assert.False(env.Terminated[0]);
            Assert.Equal(t == 200, env.Truncated[0]);
        }
        Assert.Null(Envs.Registry.Spec("Pendulum-v1").RewardThreshold);
    }

    [Fact]
    public void NaNActionIsRejectedNamingEnv()
    {
        using var env = new Pendulum(4);
        env.Reset(0);
        var actions = new float[4];
        actions[1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => env.Step(actions));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("env 1", e.Message);
    }

    [Fact]
    public void SpacesAreGymnasiums()
    {
        using var env = new Pendulum(1);
        var obs = Assert.IsType<Box>(env.SingleObservationSpace);
        Assert.Equal([-1f, -1f, -8f], obs.Low.ToArray());
        Assert.Equal([1f, 1f, 8f], obs.High.ToArray());
        var act = Assert.IsType<Box>(env.SingleActionSpace);
        Assert.Equal([-2f], act.Low.ToArray());
        Assert.Equal([2f], act.High.ToArray());
        Assert.Equal(["reward_angle", "reward_velocity", "reward_ctrl"], env.Infos.RewardTerms);
    }

    [Fact]
    public void ResetStatesAreUniformOverTheCircleWithSlowSpin()
    {
        const int n = 2000;
        using var env = new Pendulum(n);
        env.Reset(9);
        double minTheta = double.MaxValue, maxTheta = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            var (theta, thetaDot) = env.GetState(i);
            Assert.InRange(theta, -Math.PI, Math.PI);
            Assert.InRange(thetaDot, -1, 1);
            minTheta = Math.Min(minTheta, theta);
            maxTheta = Math.Max(maxTheta, theta);
            var obs = env.Observations.Slice(i * 3, 3);
            Assert.Equal((float)Math.Cos(theta), obs[0]);
            Assert.Equal((float)Math.Sin(theta), obs[1]);
            Assert.Equal((float)thetaDot, obs[2]);
        }
        Assert.True(minTheta < -3.1 && maxTheta > 3.1, $"θ spans only [{minTheta}, {maxTheta}]");
    }
}
