using Sim.Envs.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>HumanoidStandup-v5: spaces, the lying start and the v5 reward computed by hand from the state after a step.</summary>
public class HumanoidStandupTests
{
    [Fact]
    public void Spaces_are_348_observations_and_17_actions_in_a_box_of_0_4()
    {
        using var env = new HumanoidStandup(1);
        Assert.Equal(348, env.SingleObservationSpace.FlatSize);
        MuJoCoEnvAssertions.ActionSpaceIsBox(env.SingleActionSpace, 17, -0.4f, 0.4f);
        Assert.Equal(0.015, env.Dt, 12);
    }

    [Fact]
    public void The_humanoid_starts_lying_with_its_torso_at_0_105_m()
    {
        using var env = new HumanoidStandup(1);
        env.Reset(2);
        Assert.InRange(State(env, 0)[1 + 2], 0.105 - 0.01, 0.105 + 0.01);
    }

    [Fact]
    public void Reward_is_height_over_the_timestep_minus_costs_plus_one()
    {
        using var env = new HumanoidStandup(1, impactCostWeight: 0);
        env.Reset(4);
        var action = new float[17];
        action[0] = 1f;    // beyond the 0.4 control range: MuJoCo clamps the force, not data.ctrl, which the cost reads
        action[5] = -0.3f;
        env.Step(action);
        double z = State(env, 0)[1 + 2];

        double linup = z / 0.003;
        double quadctrl = 0.1 * (1.0 * 1.0 + 0.3 * 0.3);
        Assert.Equal(linup, env.Infos.Value("reward_linup")[0], 3);
        Assert.Equal(-quadctrl, env.Infos.Value("reward_quadctrl")[0], 6);
        Assert.Equal(0f, env.Infos.Value("reward_impact")[0]);
        Assert.Equal(1f, env.Infos.Value("reward_alive")[0]);
        Assert.Equal(linup - quadctrl + 1, env.Rewards[0], 3);
        Assert.False(env.Terminated[0]);
    }

    [Fact]
    public void The_impact_cost_is_capped_at_its_range()
    {
        using var env = new HumanoidStandup(1, impactCostWeight: 1e6, maxImpactCost: 2.5);
        env.Reset(4);
        env.Step(new float[17]);
        Assert.Equal(-2.5f, env.Infos.Value("reward_impact")[0]); // lying on the floor, so contact forces are far from zero
    }

    [Fact]
    public void Registry_entry_has_1000_steps_and_no_threshold() =>
        MuJoCoEnvAssertions.RegistryEntryIs("HumanoidStandup-v5", rewardThreshold: null, observationSize: 348);
}
