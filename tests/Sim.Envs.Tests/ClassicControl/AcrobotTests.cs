using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Envs.ClassicControl;
using static Sim.Envs.Tests.ClassicControl.ClassicControlAssert;

namespace Sim.Envs.Tests.ClassicControl;

public class AcrobotTests
{
    // Gymnasium's Acrobot in double: the "book" equations as a derivative of the augmented state
    // [θ1, θ2, θ̇1, θ̇2, torque], one generic RK4 step over 0.2 s, then wrapping and clipping.
    static double[] Derivative(double[] s)
    {
        const double m1 = 1, m2 = 1, l1 = 1, lc1 = 0.5, lc2 = 0.5, i1 = 1, i2 = 1, g = 9.8;
        double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3], a = s[4];
        double d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.Cos(theta2)) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.Cos(theta2)) + i2;
        double phi2 = m2 * lc2 * g * Math.Cos(theta1 + theta2 - Math.PI / 2);
        double phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * Math.Sin(theta2) - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.Sin(theta2)
            + (m1 * lc1 + m2 * l1) * g * Math.Cos(theta1 - Math.PI / 2) + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * Math.Sin(theta2) - phi2)
            / (m2 * lc2 * lc2 + i2 - d2 * d2 / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        return [dtheta1, dtheta2, ddtheta1, ddtheta2, 0];
    }

    static double[] Add(double[] y, double h, double[] k) => y.Select((v, j) => v + h * k[j]).ToArray();

    static (double[] State, bool Terminated) ReferenceStep(double[] state, int action)
    {
        const double dt = 0.2;
        double[] y0 = [.. state, action - 1.0];
        var k1 = Derivative(y0);
        var k2 = Derivative(Add(y0, dt / 2, k1));
        var k3 = Derivative(Add(y0, dt / 2, k2));
        var k4 = Derivative(Add(y0, dt, k3));
        var y = new double[4];
        for (int j = 0; j < 4; j++) y[j] = y0[j] + dt / 6.0 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
        y[0] = Wrap(y[0]);
        y[1] = Wrap(y[1]);
        y[2] = Math.Min(Math.Max(y[2], -4 * Math.PI), 4 * Math.PI);
        y[3] = Math.Min(Math.Max(y[3], -9 * Math.PI), 9 * Math.PI);
        bool terminated = -Math.Cos(y[0]) - Math.Cos(y[1] + y[0]) > 1.0;
        return (y, terminated);
    }

    static double Wrap(double x)
    {
        while (x > Math.PI) x -= 2 * Math.PI;
        while (x < -Math.PI) x += 2 * Math.PI;
        return x;
    }

    static double[] StateOf(Acrobot env, int i)
    {
        var s = env.GetState(i);
        return [s.Theta1, s.Theta2, s.Theta1Dot, s.Theta2Dot];
    }

    static void AssertObservationMatches(Acrobot env, int i, double[] s, double tolerance, string what)
    {
        var obs = env.Observations.Slice(i * 6, 6);
        double[] expected = [Math.Cos(s[0]), Math.Sin(s[0]), Math.Cos(s[1]), Math.Sin(s[1]), s[2], s[3]];
        for (int k = 0; k < 6; k++) Close(expected[k], obs[k], tolerance, $"{what} obs[{k}]");
    }

    [Fact]
    public void OneStepMatchesReferenceFromArbitraryStates()
    {
        // Velocities up to 1.5× the limits, so that clipping and wrapping are exercised.
        const int n = 9;
        using var env = new Acrobot(n);
        env.Reset(0);
        var rng = new SimRandom(21);
        var actions = new float[n];
        var starts = new double[n][];
        for (int round = 0; round < 40; round++)
        {
            for (int i = 0; i < n; i++)
            {
                starts[i] = [rng.Uniform(-Math.PI, Math.PI), rng.Uniform(-Math.PI, Math.PI), rng.Uniform(-6 * Math.PI, 6 * Math.PI), rng.Uniform(-13.5 * Math.PI, 13.5 * Math.PI)];
                env.SetState(i, starts[i][0], starts[i][1], starts[i][2], starts[i][3]);
                actions[i] = rng.NextInt(3);
            }
            env.Step(actions);
            for (int i = 0; i < n; i++)
            {
                var (expected, terminated) = ReferenceStep(starts[i], (int)actions[i]);
                var got = StateOf(env, i);
                for (int k = 0; k < 4; k++) Close(expected[k], got[k], 1e-12, $"round {round} env {i} state[{k}]");
                AssertObservationMatches(env, i, expected, 1e-6, $"round {round} env {i}");
                Assert.Equal(terminated, env.Terminated[i]);
                Assert.Equal(terminated ? 0f : -1f, env.Rewards[i]);
            }
        }
    }

    [Fact]
    public void TrajectoriesMatchReferenceAndSwingUp()
    {
        // Env 0 pumps energy by torquing the elbow against the shoulder's velocity (the reaction on link 1 pushes the
        // swing) and reaches the goal in under 100 steps; the others play a fixed random sequence. Acrobot is chaotic, so agreement over hundreds of steps needs nearly equal arithmetic.
        const int n = 4, steps = 500;
        using var env = new Acrobot(n);
        env.Reset(8);
        var state = new double[n][];
        for (int i = 0; i < n; i++) state[i] = StateOf(env, i);
        var done = new bool[n];
        var rng = new SimRandom(4);
        var actions = new float[n];
        var time = env.Infos.Value("reward_time");
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++) actions[i] = i == 0 ? (state[i][2] > 0 ? 0 : 2) : rng.NextInt(3);
            env.Step(actions);
            for (int i = 0; i < n; i++)
            {
                if (done[i]) continue;
                var (expected, terminated) = ReferenceStep(state[i], (int)actions[i]);
                var got = StateOf(env, i);
                for (int k = 0; k < 4; k++) Close(expected[k], got[k], 1e-9, $"step {t} env {i} state[{k}]");
                AssertObservationMatches(env, i, expected, 1e-6, $"step {t} env {i}");
                Assert.Equal(terminated, env.Terminated[i]);
                Assert.Equal(terminated ? 0f : -1f, env.Rewards[i]);
                Assert.Equal(env.Rewards[i], time[i]);
                state[i] = expected;
                done[i] = terminated;
            }
        }
        Assert.True(done[0], "torquing against the shoulder velocity should swing the tip up within 500 steps");
    }

    [Fact]
    public void TerminatesWithTipOneLinkAboveTheShoulder()
    {
        using var env = new Acrobot(3);
        env.Reset(0);
        env.SetState(0, Math.PI, 0, 0, 0);            // both links straight up: tip height 2
        env.SetState(1, 0, 0, 0, 0);                  // hanging: tip height −2
        env.SetState(2, Math.PI / 2, 0, 0, 0);        // horizontal: tip height 0
        env.Step([1f, 1f, 1f]);
        Assert.Equal([true, false, false], env.Terminated.ToArray());
        Assert.Equal([0f, -1f, -1f], env.Rewards.ToArray());
        Assert.Equal([0f, -1f, -1f], env.Infos.Value("reward_time"));
    }

    [Fact]
    public void SpacesAndRegistryEntryAreGymnasiums()
    {
        using var env = new Acrobot(1);
        var obs = Assert.IsType<Box>(env.SingleObservationSpace);
        float v1 = (float)(4 * Math.PI), v2 = (float)(9 * Math.PI);
        Assert.Equal([-1f, -1f, -1f, -1f, -v1, -v2], obs.Low.ToArray());
        Assert.Equal([1f, 1f, 1f, 1f, v1, v2], obs.High.ToArray());
        Assert.Equal(3, Assert.IsType<Discrete>(env.SingleActionSpace).N);
        var spec = Envs.Registry.Spec("Acrobot-v1");
        Assert.Equal(500, spec.MaxEpisodeSteps);
        Assert.Equal(-100, spec.RewardThreshold);
    }

    [Fact]
    public void OutOfRangeActionIsRejectedNamingValueAndEnv()
    {
        using var env = new Acrobot(5);
        env.Reset(0);
        var actions = new float[5];
        actions[4] = 3;
        var e = Assert.Throws<ArgumentException>(() => env.Step(actions));
        Assert.Contains("action = 3", e.Message);
        Assert.Contains("env 4", e.Message);
    }

    [Fact]
    public void ResetStatesAreFloat32UniformInPlusMinus01()
    {
        const int n = 1000;
        using var env = new Acrobot(n);
        env.Reset(77);
        double min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            var s = StateOf(env, i);
            foreach (double v in s)
            {
                Assert.InRange(v, (double)-0.1f, (double)0.1f); // float rounding may land on ±0.1f
                Assert.Equal(v, (double)(float)v);
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            AssertObservationMatches(env, i, s, 1e-7, $"env {i}");
        }
        Assert.True(min < -0.099 && max > 0.099, $"reset values span only [{min}, {max}]");
    }
}
