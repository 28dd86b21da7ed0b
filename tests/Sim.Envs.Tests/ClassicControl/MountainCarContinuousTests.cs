using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Envs.ClassicControl;
using static Sim.Envs.Tests.ClassicControl.ClassicControlAssert;

namespace Sim.Envs.Tests.ClassicControl;

public class MountainCarContinuousTests
{
    // Gymnasium's MountainCarContinuous step in double, from the published formulas; the state is stored as
    // float32 afterwards, as Gymnasium stores it.
    static (float Position, float Velocity, double Reward, bool Terminated) ReferenceStep(double position, double velocity, double action)
    {
        const double power = 0.0015, maxSpeed = 0.07, minPosition = -1.2, maxPosition = 0.6, goalPosition = 0.45;
        double force = Math.Min(Math.Max(action, -1.0), 1.0);
        velocity += force * power - 0.0025 * Math.Cos(3 * position);
        if (velocity > maxSpeed) velocity = maxSpeed;
        if (velocity < -maxSpeed) velocity = -maxSpeed;
        position += velocity;
        if (position > maxPosition) position = maxPosition;
        if (position < minPosition) position = minPosition;
        if (position == minPosition && velocity < 0) velocity = 0;
        bool terminated = position >= goalPosition && velocity >= 0;
        double reward = (terminated ? 100.0 : 0.0) - 0.1 * action * action;
        return ((float)position, (float)velocity, reward, terminated);
    }

    [Fact]
    public void TrajectoriesMatchReferenceAndReachTheFlag()
    {
        // Pushing along the velocity (with a scaled, partly out-of-range force) pumps energy until the car
        // reaches the flag; env 2 pushes against it and never does.
        const int n = 3, steps = 400;
        using var env = new MountainCarContinuous(n);
        env.Reset(2);
        var state = new (double Position, double Velocity)[n];
        for (int i = 0; i < n; i++) state[i] = env.GetState(i);
        var done = new bool[n];
        var actions = new float[n];
        var goal = env.Infos.Value("reward_goal");
        var ctrl = env.Infos.Value("reward_ctrl");
        int terminations = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                float direction = state[i].Velocity >= 0 ? 1f : -1f;
                actions[i] = i switch { 0 => direction, 1 => 1.5f * direction, _ => -0.3f * direction };
            }
            env.Step(actions);
            for (int i = 0; i < n; i++)
            {
                if (done[i]) continue;
                var e = ReferenceStep(state[i].Position, state[i].Velocity, actions[i]);
                var obs = env.Observations.Slice(i * 2, 2);
                Close(e.Position, obs[0], 1e-6, $"step {t} env {i} position");
                Close(e.Velocity, obs[1], 1e-6, $"step {t} env {i} velocity");
                Close(e.Reward, env.Rewards[i], 1e-6, $"step {t} env {i} reward");
                Assert.Equal(e.Terminated, env.Terminated[i]);
                Close(e.Terminated ? 100 : 0, goal[i], 0, $"step {t} env {i} goal term");
                Close(-0.1 * actions[i] * actions[i], ctrl[i], 1e-6, $"step {t} env {i} ctrl term");
                state[i] = (e.Position, e.Velocity);
                done[i] = e.Terminated;
                if (e.Terminated) terminations++;
            }
        }
        Assert.True(done[0] && done[1], "pushing along the velocity should reach the flag within 400 steps");
        Assert.False(done[2]);
        Assert.Equal(2, terminations);
    }

    [Fact]
    public void HandBuiltStatesHitGoalWallAndSpeedLimit()
    {
        using var env = new MountainCarContinuous(4);
        env.Reset(0);
        env.SetState(0, 0.44f, 0.02f);    // crosses 0.45 moving right: the flag
        env.SetState(1, -1.19f, -0.05f);  // hits the left wall: stops dead
        env.SetState(2, -0.6f, 0.0699f);  // pushed (and pulled downhill) beyond 0.07: clipped
        env.SetState(3, 0.5f, -0.005f);   // past the flag but moving left: not a goal
        env.Step([0.5f, -1f, 1f, 0f]);

        Assert.Equal([true, false, false, false], env.Terminated.ToArray());
        Close(100 - 0.1 * 0.25, env.Rewards[0], 1e-6, "reward at the flag");
        Assert.Equal(((float)-1.2, 0f), env.GetState(1));
        Assert.Equal((float)0.07, env.Observations[2 * 2 + 1]);
        Close(-0.53, env.Observations[2 * 2], 1e-6, "position after a full-speed step from −0.6");
        Assert.True(env.Observations[3 * 2] > 0.45f && env.Observations[3 * 2 + 1] < 0, "env 3 should be past the flag, moving left");
        Close(-0.1, env.Rewards[1], 1e-7, "reward of a full push");
    }

    [Fact]
    public void SpacesAndRegistryEntryAreGymnasiums()
    {
        using var env = new MountainCarContinuous(1);
        var obs = Assert.IsType<Box>(env.SingleObservationSpace);
        Assert.Equal([-1.2f, -0.07f], obs.Low.ToArray());
        Assert.Equal([0.6f, 0.07f], obs.High.ToArray());
        var act = Assert.IsType<Box>(env.SingleActionSpace);
        Assert.Equal([-1f], act.Low.ToArray());
        Assert.Equal([1f], act.High.ToArray());
        var spec = Envs.Registry.Spec("MountainCarContinuous-v1");
        Assert.Equal(999, spec.MaxEpisodeSteps);
        Assert.Equal(90, spec.RewardThreshold);
    }

    [Fact]
    public void ResetStartsAtRestInTheValley()
    {
        const int n = 1000;
        using var env = new MountainCarContinuous(n);
        env.Reset(31);
        float min = float.MaxValue, max = float.MinValue;
        for (int i = 0; i < n; i++)
        {
            Assert.InRange(env.Observations[i * 2], -0.6f, -0.4f);
            Assert.Equal(0f, env.Observations[i * 2 + 1]);
            min = Math.Min(min, env.Observations[i * 2]);
            max = Math.Max(max, env.Observations[i * 2]);
        }
        Assert.True(min < -0.59f && max > -0.41f, $"positions span only [{min}, {max}]");
    }

    [Fact]
    public void NaNActionIsRejected()
    {
        using var env = new MountainCarContinuous(2);
        env.Reset(0);
        var e = Assert.Throws<ArgumentException>(() => env.Step([0f, float.PositiveInfinity]));
        Assert.Contains("env 1", e.Message);
    }
}
