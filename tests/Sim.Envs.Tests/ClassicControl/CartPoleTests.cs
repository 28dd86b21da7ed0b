using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Envs.ClassicControl;
using static Sim.Envs.Tests.ClassicControl.ClassicControlAssert;

namespace Sim.Envs.Tests.ClassicControl;

public class CartPoleTests
{
    const double ThetaLimit = 12 * 2 * Math.PI / 360;

    // Gymnasium's CartPole step, written out in double from the published formulas. The state is rounded to
    // float32 after the step because that is how CartPole stores it; termination is judged on the stored state.
    static (float X, float XDot, float Theta, float ThetaDot, bool Terminated) ReferenceStep(
        double x, double xDot, double theta, double thetaDot, int action)
    {
        const double gravity = 9.8, massCart = 1.0, massPole = 0.1, length = 0.5, forceMag = 10.0, tau = 0.02;
        const double totalMass = massPole + massCart, poleMassLength = massPole * length;
        double force = action == 1 ? forceMag : -forceMag;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double temp = (force + poleMassLength * thetaDot * thetaDot * sin) / totalMass;
        double thetaAcc = (gravity * sin - cos * temp) / (length * (4.0 / 3.0 - massPole * cos * cos / totalMass));
        double xAcc = temp - poleMassLength * thetaAcc * cos / totalMass;
        float nx = (float)(x + tau * xDot);
        float nxDot = (float)(xDot + tau * xAcc);
        float nTheta = (float)(theta + tau * thetaDot);
        float nThetaDot = (float)(thetaDot + tau * thetaAcc);
        bool terminated = nx < -2.4 || nx > 2.4 || nTheta < -ThetaLimit || nTheta > ThetaLimit;
        return (nx, nxDot, nTheta, nThetaDot, terminated);
    }

    [Fact]
    public void OneStepMatchesReferenceFromArbitraryStates()
    {
        // 19 envs: two full SIMD blocks and a padded tail on 8-wide hardware.
        const int n = 19;
        using var env = new CartPole(n);
        env.Reset(1);
        var rng = new SimRandom(11);
        var actions = new float[n];
        var starts = new (float X, float XDot, float Theta, float ThetaDot)[n];
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < n; i++)
            {
                starts[i] = ((float)rng.Uniform(-2.4, 2.4), (float)rng.Uniform(-3, 3), (float)rng.Uniform(-Math.PI, Math.PI), (float)rng.Uniform(-4, 4));
                env.SetState(i, starts[i].X, starts[i].XDot, starts[i].Theta, starts[i].ThetaDot);
                actions[i] = rng.NextInt(2);
            }
            env.Step(actions);
            for (int i = 0; i < n; i++)
            {
                var s = starts[i];
                var expected = ReferenceStep(s.X, s.XDot, s.Theta, s.ThetaDot, (int)actions[i]);
                var obs = env.Observations.Slice(i * 4, 4);
                Close(expected.X, obs[0], 1e-6, $"round {round} env {i} x");
                Close(expected.XDot, obs[1], 1e-6, $"round {round} env {i} xDot");
                Close(expected.Theta, obs[2], 1e-6, $"round {round} env {i} theta");
                Close(expected.ThetaDot, obs[3], 1e-6, $"round {round} env {i} thetaDot");
                Assert.Equal(expected.Terminated, env.Terminated[i]);
                Assert.Equal(1f, env.Rewards[i]);
                Assert.Equal((obs[0], obs[1], obs[2], obs[3]), env.GetState(i));
            }
        }
    }

    [Fact]
    public void TrajectoriesMatchReferenceUntilTermination()
    {
        // Even envs follow a balancing rule (long episodes), odd envs a fixed random sequence (short ones).
        const int n = 11, steps = 300;
        using var env = new CartPole(n);
        env.Reset(42);
        var state = new (double X, double XDot, double Theta, double ThetaDot)[n];
        var done = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var obs = env.Observations.Slice(i * 4, 4);
            state[i] = (obs[0], obs[1], obs[2], obs[3]);
        }
        var rng = new SimRandom(3);
        var actions = new float[n];
        int compared = 0, terminations = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                var s = state[i];
                actions[i] = i % 2 == 0 ? (s.Theta + 0.5 * s.ThetaDot + 0.05 * s.X + 0.1 * s.XDot > 0 ? 1 : 0) : rng.NextInt(2);
            }
            env.Step(actions);
            for (int i = 0; i < n; i++)
            {
                if (done[i]) continue;
                var s = state[i];
                var expected = ReferenceStep(s.X, s.XDot, s.Theta, s.ThetaDot, (int)actions[i]);
                var obs = env.Observations.Slice(i * 4, 4);
                Close(expected.X, obs[0], 1e-5, $"step {t} env {i} x");
                Close(expected.XDot, obs[1], 1e-5, $"step {t} env {i} xDot");
                Close(expected.Theta, obs[2], 1e-5, $"step {t} env {i} theta");
                Close(expected.ThetaDot, obs[3], 1e-5, $"step {t} env {i} thetaDot");
                Assert.Equal(expected.Terminated, env.Terminated[i]);
                Assert.Equal(1f, env.Rewards[i]);
                Assert.Equal(1f, env.Infos.Value("reward_alive")[i]);
                state[i] = (expected.X, expected.XDot, expected.Theta, expected.ThetaDot);
                done[i] = expected.Terminated;
                compared++;
                if (expected.Terminated) terminations++;
            }
        }
        Assert.True(compared > 5 * steps, $"only {compared} env steps were compared");
        Assert.True(terminations >= 5, $"only {terminations} episodes terminated");
        Assert.False(done[0], "the balancing rule should keep env 0 up for the whole run");
    }

    [Fact]
    public void TerminatesWhenCartOrPoleLeavesTheLimits()
    {
        using var env = new CartPole(6);
        env.Reset(0);
        env.SetState(0, 2.39f, 1f, 0f, 0f);     // x → 2.41
        env.SetState(1, -2.39f, -1f, 0f, 0f);   // x → −2.41
        env.SetState(2, 0f, 0f, 0.2f, 1f);      // θ → 0.22 rad > 12° ≈ 0.2094 rad
        env.SetState(3, 0f, 0f, -0.2f, -1f);    // θ → −0.22 rad
        env.SetState(4, 2.3f, 0f, 0f, 0f);      // stays inside
        env.SetState(5, MathF.BitDecrement(2.4f), 0f, 0f, 0f); // the largest float below 2.4: not beyond the limit
        env.Step([1f, 0f, 1f, 0f, 1f, 0f]);

        Assert.Equal([true, true, true, true, false, false], env.Terminated.ToArray());
        Assert.All(env.Rewards.ToArray(), r => Assert.Equal(1f, r));
        Close(2.41, env.Observations[0], 1e-6, "x of env 0");
        Close(0.22, env.Observations[2 * 4 + 2], 1e-6, "theta of env 2");
        // The final observation is the terminal state (next-step autoreset keeps it in both buffers).
        Assert.Equal(env.Observations.Slice(0, 4).ToArray(), env.FinalObservations.Slice(0, 4).ToArray());

        env.Step(new float[6]);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(env.EpisodeStarted[i], $"env {i} should have been reset");
            Assert.Equal(0f, env.Rewards[i]);
            Assert.All(env.Observations.Slice(i * 4, 4).ToArray(), v => Assert.InRange(v, -0.05f, 0.05f));
        }
        Assert.False(env.EpisodeStarted[4]);
        Assert.Equal(1f, env.Rewards[4]);
    }

    [Fact]
    public void SpacesAreGymnasiums()
    {
        using var env = new CartPole(2);
        var obs = Assert.IsType<Box>(env.SingleObservationSpace);
        Assert.Equal(4, obs.FlatSize);
        float theta2 = (float)(2 * ThetaLimit);
        Assert.Equal([-4.8f, -float.MaxValue, -theta2, -float.MaxValue], obs.Low.ToArray());
        Assert.Equal([4.8f, float.MaxValue, theta2, float.MaxValue], obs.High.ToArray());
        Assert.Equal(2, Assert.IsType<Discrete>(env.SingleActionSpace).N);
        Assert.Equal(["reward_alive"], env.Infos.RewardTerms);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(-1f)]
    [InlineData(0.5f)]
    public void OutOfRangeActionIsRejectedNamingValueAndEnv(float bad)
    {
        using var env = new CartPole(8);
        env.Reset(0);
        var actions = new float[8];
        actions[3] = bad;
        var e = Assert.Throws<ArgumentException>(() => env.Step(actions));
        Assert.Contains($"action = {bad}", e.Message);
        Assert.Contains("env 3", e.Message);
    }

    [Fact]
    public void ResetStatesAreUniformInPlusMinus005()
    {
        const int n = 2000;
        using var env = new CartPole(n);
        env.Reset(123);
        var first = env.Observations.ToArray();
        for (int k = 0; k < 4; k++)
        {
            float min = float.MaxValue, max = float.MinValue;
            for (int i = 0; i < n; i++)
            {
                float v = first[i * 4 + k];
                Assert.InRange(v, -0.05f, 0.05f);
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            // 2000 uniform draws leave gaps of about 0.1/2000 at the ends.
            Assert.True(min < -0.049f && max > 0.049f, $"component {k} spans only [{min}, {max}]");
        }
        env.Reset(123);
        Assert.Equal(first, env.Observations.ToArray());
        env.Reset(124);
        Assert.NotEqual(first[..4], env.Observations[..4].ToArray());
    }

    [Fact]
    public void SetStateRejectsBadArguments()
    {
        using var env = new CartPole(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => env.SetState(2, 0, 0, 0, 0));
        var e = Assert.Throws<ArgumentException>(() => env.SetState(0, 0, float.NaN, 0, 0));
        Assert.Contains("xDot = NaN", e.Message);
    }
}
