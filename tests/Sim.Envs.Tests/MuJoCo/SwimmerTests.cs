using Sim.Envs.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Swimmer-v5: spaces, observation layout and the v5 reward computed by hand from the states around a step.</summary>
public class SwimmerTests
{
    [Fact]
    public void Spaces_are_8_observations_and_2_actions_in_unit_box()
    {
        using var env = new Swimmer(1);
        Assert.Equal(8, env.SingleObservationSpace.FlatSize);
        MuJoCoEnvAssertions.ActionSpaceIsBox(env.SingleActionSpace, 2, -1f, 1f);
        Assert.Equal(0.04, env.Dt, 12);
    }

    [Fact]
    public void Reward_is_the_x_velocity_minus_1e_4_times_the_squared_action()
    {
        using var env = new Swimmer(1);
        env.Reset(11);
        var start = State(env, 0);
        start[1 + 5 + 0] = 0.8; // swimming forward at 0.8 m/s
        env.SetPhysicsState(0, start);
        var before = State(env, 0);
        env.Step([0.5f, -1f]);
        var after = State(env, 0);

        double forward = (after[1] - before[1]) / 0.04;
        double ctrl = 1e-4 * (0.25 + 1.0);
        Assert.True(forward > 0.1, $"forward {forward}: the swimmer should still glide forward");
        Assert.Equal(forward, env.Infos.Value("reward_forward")[0], 4);
        Assert.Equal(-ctrl, env.Infos.Value("reward_ctrl")[0], 7);
        Assert.Equal(forward - ctrl, env.Rewards[0], 4);
        Assert.False(env.Terminated[0]);
        // Observation: qpos[2..] then qvel.
        float[] expected = [.. after.Skip(1 + 2).Take(3).Select(v => (float)v), .. after.Skip(1 + 5).Take(5).Select(v => (float)v)];
        Assert.Equal(expected, env.Observations.ToArray());
    }

    [Fact]
    public void Registry_entry_has_1000_steps_and_threshold_360() =>
        MuJoCoEnvAssertions.RegistryEntryIs("Swimmer-v5", rewardThreshold: 360, observationSize: 8);
}
