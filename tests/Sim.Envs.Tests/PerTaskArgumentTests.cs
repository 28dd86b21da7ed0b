using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;

namespace Sim.Envs.Tests;

/// <summary>The per-task v5 keyword arguments each change what they should: Humanoid's and HumanoidStandup's
/// <c>include_*_in_observation</c> parts, Ant's <c>main_body</c>, <c>contact_cost_weight</c> and <c>contact_force_range</c>,
/// <c>terminate_when_unhealthy</c> and <c>healthy_angle_range</c>.</summary>
public class PerTaskArgumentTests
{
    static IVectorEnv Make(string id, params (string Key, string Value)[] args) =>
        Envs.Make(id, 1, seed: 3, arguments: args.ToDictionary(a => a.Key, a => a.Value));

    static MuJoCoVectorEnv Physics(IVectorEnv env) => Assert.IsAssignableFrom<MuJoCoVectorEnv>(((VectorEnvWrapper)env).Find<MuJoCoVectorEnv>());

    // Humanoid's 13 bodies after the world and 17 hinge dofs: cinert 13 × 10, cvel 13 × 6, qfrc_actuator 17, cfrc_ext 13 × 6.
    [Theory]
    [InlineData("Humanoid-v5", "include_cinert_in_observation", 348 - 130)]
    [InlineData("Humanoid-v5", "include_cvel_in_observation", 348 - 78)]
    [InlineData("Humanoid-v5", "include_qfrc_actuator_in_observation", 348 - 17)]
    [InlineData("Humanoid-v5", "include_cfrc_ext_in_observation", 348 - 78)]
    [InlineData("HumanoidStandup-v5", "include_cinert_in_observation", 348 - 130)]
    [InlineData("HumanoidStandup-v5", "include_cvel_in_observation", 348 - 78)]
    [InlineData("HumanoidStandup-v5", "include_qfrc_actuator_in_observation", 348 - 17)]
    [InlineData("HumanoidStandup-v5", "include_cfrc_ext_in_observation", 348 - 78)]
    public void Leaving_a_humanoid_part_out_shortens_the_observation_by_it(string id, string key, int size)
    {
        using var env = Make(id, (key, "false"));
        Assert.Equal(size, env.SingleObservationSpace.FlatSize);
        Assert.Equal(size, env.Observations.Length);
    }

    [Fact]
    public void Without_cinert_the_humanoid_observation_goes_from_qvel_straight_to_cvel()
    {
        using var env = Make("Humanoid-v5", ("include_cinert_in_observation", "false"));
        var data = Physics(env).Data(0);
        // qpos[2..] (22) and qvel (23), then cvel of bodies 1.. .
        for (int i = 0; i < 6 * 13; i++) Assert.Equal((float)data.cvel[6 + i], env.Observations[22 + 23 + i]);
        // The last part is still cfrc_ext, after qfrc_actuator's 17 hinge dofs.
        Assert.Equal((float)data.qfrc_actuator[6], env.Observations[22 + 23 + 78]);
    }

    [Fact]
    public void Leaving_cfrc_ext_out_keeps_the_contact_cost()
    {
        using var with = Make("Humanoid-v5");
        using var without = Make("Humanoid-v5", ("include_cfrc_ext_in_observation", "false"));
        var action = new float[17];
        for (int t = 0; t < 20; t++)
        {
            with.Step(action);
            without.Step(action);
        }
        float contact = with.Infos.Value("reward_contact")[0];
        Assert.True(contact < 0, $"after 20 steps the feet should press on the floor (reward_contact {contact})");
        Assert.Equal(contact, without.Infos.Value("reward_contact")[0]);
        Assert.Equal(with.Rewards[0], without.Rewards[0]);
    }

    [Fact]
    public void Ant_main_body_by_name_rewards_that_bodys_x_velocity()
    {
        using var env = Make("Ant-v5", ("main_body", "front_left_leg"), ("ctrl_cost_weight", "0"), ("contact_cost_weight", "0"));
        var physics = Physics(env);
        int leg = physics.Model.NameToId(MjObject.Body, "front_left_leg");
        var action = new float[8];
        action[0] = 1; // swing the front left hip
        double before = physics.Data(0).xpos[3 * leg];
        env.Step(action);
        double velocity = (physics.Data(0).xpos[3 * leg] - before) / physics.Dt;
        Assert.True(Math.Abs(velocity) > 1e-3, $"the leg should move (x velocity {velocity})");
        Assert.Equal(velocity, env.Infos.Value("reward_forward")[0], 4);
        Assert.Equal(velocity, env.Infos.Value("x_velocity")[0], 4);
    }

    [Fact]
    public void Ant_main_body_by_index_1_is_the_default_torso()
    {
        using var byIndex = Make("Ant-v5", ("main_body", "1"));
        using var byDefault = Make("Ant-v5");
        var action = Enumerable.Repeat(0.5f, 8).ToArray();
        byIndex.Step(action);
        byDefault.Step(action);
        Assert.Equal(byDefault.Infos.Value("reward_forward")[0], byIndex.Infos.Value("reward_forward")[0]);
    }

    [Theory]
    [InlineData("0", "main_body = 0: expected a body index from 1 to 13 or a body name")]
    [InlineData("14", "main_body = 14: expected a body index from 1 to 13 or a body name")]
    [InlineData("tail", "main_body = 'tail': the model has no such body")]
    [InlineData("world", "main_body = 'world': the model has no such body")]
    public void Ant_main_body_must_name_a_moving_body(string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Make("Ant-v5", ("main_body", value)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Ant_contact_weight_and_force_range_reach_the_cost_and_the_observation()
    {
        using var free = Make("Ant-v5", ("contact_cost_weight", "0"));
        using var clipped = Make("Ant-v5", ("contact_force_range", "(-0.25, 0.25)"), ("contact_cost_weight", "1"));
        var action = new float[8];
        for (int t = 0; t < 30; t++)
        {
            free.Step(action);
            clipped.Step(action);
        }
        Assert.Equal(0f, free.Infos.Value("reward_contact")[0]);
        // The contact forces are the observation's last 78 values, clipped to the range; the cost is Σ of their squares.
        var forces = clipped.Observations.ToArray()[27..];
        Assert.All(forces, f => Assert.InRange(f, -0.25f, 0.25f));
        Assert.Contains(forces, f => Math.Abs(f) == 0.25f);
        double cost = forces.Sum(f => (double)f * f);
        Assert.Equal(-cost, clipped.Infos.Value("reward_contact")[0], 4);
    }

    [Fact]
    public void Not_terminating_when_unhealthy_keeps_the_episode_but_not_the_survive_reward()
    {
        // Standing at 1.25 is below a lowest healthy height of 1.3.
        using var env = Make("Hopper-v5", ("healthy_z_range", "(1.3, inf)"), ("terminate_when_unhealthy", "false"));
        env.Step(new float[3]);
        Assert.False(env.Terminated[0]);
        Assert.Equal(0f, env.Infos.Value("reward_survive")[0]);
    }

    [Fact]
    public void Healthy_angle_range_decides_termination()
    {
        // The walker starts upright (angle within ±0.005 of 0), outside (0.1, 1) and inside the default (-1, 1).
        using var narrow = Make("Walker2d-v5", ("healthy_angle_range", "0.1,1"));
        using var standard = Make("Walker2d-v5");
        narrow.Step(new float[6]);
        standard.Step(new float[6]);
        Assert.True(narrow.Terminated[0]);
        Assert.False(standard.Terminated[0]);
    }
}
