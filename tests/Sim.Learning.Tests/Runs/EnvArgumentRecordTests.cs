using Sim.Learning.Runs;

namespace Sim.Learning.Tests.Runs;

/// <summary>The per-task v5 keyword arguments are written to a run's <c>config.json</c> as given and rebuild the same env
/// from it: the observation size or reward term each one changes comes back after a save and load.</summary>
public sealed class EnvArgumentRecordTests
{
    [Theory]
    [InlineData("Humanoid-v5", "include_cinert_in_observation", "false", 218)]
    [InlineData("HumanoidStandup-v5", "include_cvel_in_observation", "False", 270)]
    [InlineData("Humanoid-v5", "include_qfrc_actuator_in_observation", "0", 331)]
    [InlineData("HumanoidStandup-v5", "include_cfrc_ext_in_observation", "false", 270)]
    [InlineData("Ant-v5", "include_cfrc_ext_in_observation", "false", 27)]
    public void An_observation_switch_in_config_json_rebuilds_the_shorter_observation(string id, string key, string value, int size)
    {
        var (loaded, _) = SaveAndLoad(id, key, value);
        Assert.Equal(value, loaded.EnvArgs![key]);
        using var env = Envs.Envs.Registry.Create(loaded.Env, 1, arguments: loaded.EnvArgs);
        Assert.Equal(size, env.SingleObservationSpace.FlatSize);
    }

    [Theory]
    [InlineData("Pusher-v5", "reward_near_weight", "0", "reward_near")]
    [InlineData("Pusher-v5", "reward_dist_weight", "0", "reward_dist")]
    [InlineData("Pusher-v5", "reward_control_weight", "0", "reward_ctrl")]
    [InlineData("Ant-v5", "contact_cost_weight", "0", "reward_contact")]
    [InlineData("Humanoid-v5", "contact_cost_weight", "0", "reward_contact")]
    public void A_zero_weight_in_config_json_rebuilds_an_env_without_that_term(string id, string key, string value, string term)
    {
        var (loaded, _) = SaveAndLoad(id, key, value);
        using var env = Envs.Envs.Registry.Create(loaded.Env, 1, arguments: loaded.EnvArgs);
        using var reference = Envs.Envs.Registry.Create(id, 1);
        env.Reset(5);
        reference.Reset(5);
        // 25 steps: long enough for the humanoid to land on its feet, whose contact forces its cost needs.
        var action = Enumerable.Repeat(0.3f, env.SingleActionSpace.FlatSize).ToArray();
        for (int t = 0; t < 25; t++)
        {
            env.Step(action);
            reference.Step(action);
        }
        Assert.Equal(0f, env.Infos.Value(term)[0]);
        Assert.NotEqual(0f, reference.Infos.Value(term)[0]);
    }

    [Fact]
    public void Ant_main_body_in_config_json_is_kept_as_text()
    {
        var (loaded, json) = SaveAndLoad("Ant-v5", "main_body", "torso");
        Assert.Contains("\"main_body\": \"torso\"", json);
        using var env = Envs.Envs.Registry.Create(loaded.Env, 1, arguments: loaded.EnvArgs);
        Assert.Equal(105, env.SingleObservationSpace.FlatSize);
    }

    static (RunConfig Config, string Json) SaveAndLoad(string id, string key, string value)
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, id, "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal) { [key] = value };
        run.SaveConfig(new RunConfig { Env = id, Algorithm = "ppo", EnvArgs = args });
        string json = File.ReadAllText(Path.Combine(run.Path, "config.json"));
        return (RunDirectory.Open(run.Path).LoadConfig<RunConfig>(), json);
    }
}
