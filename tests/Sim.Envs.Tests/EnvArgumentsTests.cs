using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;

namespace Sim.Envs.Tests;

/// <summary>Gymnasium v5 keyword arguments through the registry: they reach the env, and unknown keys, bad values and
/// envs without arguments are errors naming the key and what was expected.</summary>
public class EnvArgumentsTests
{
    static IVectorEnv Make(string id, params (string Key, string Value)[] args) =>
        Envs.Make(id, 1, seed: 3, arguments: args.ToDictionary(a => a.Key, a => a.Value));

    static T Inner<T>(IVectorEnv env) where T : class, IVectorEnv => Assert.IsAssignableFrom<T>(((VectorEnvWrapper)env).Find<T>());

    [Fact]
    public void Frame_skip_sets_the_physics_steps_per_env_step()
    {
        using var env = Make("Hopper-v5", ("frame_skip", "2"));
        var hopper = Inner<Hopper>(env);
        Assert.Equal(2, hopper.FrameSkip);
        Assert.Equal(0.004, hopper.Dt, 12);
    }

    [Theory]
    [InlineData("Hopper-v5", 11, 12)]
    [InlineData("Walker2d-v5", 17, 18)]
    [InlineData("HalfCheetah-v5", 17, 18)]
    [InlineData("Ant-v5", 105, 107)]
    [InlineData("Humanoid-v5", 348, 350)]
    public void Keeping_the_current_positions_lengthens_the_observation_by_them(string id, int excluded, int included)
    {
        using var without = Make(id);
        using var with = Make(id, ("exclude_current_positions_from_observation", "false"));
        Assert.Equal(excluded, without.SingleObservationSpace.FlatSize);
        Assert.Equal(included, with.SingleObservationSpace.FlatSize);
        // The kept x is qpos[0], which starts at the model's 0 plus reset noise.
        var physics = Inner<MuJoCoVectorEnv>(with);
        Assert.Equal((float)physics.Data(0).qpos[0], with.Observations[0]);
    }

    [Fact]
    public void Weights_and_ranges_reach_the_reward_and_termination()
    {
        using var env = Make("Hopper-v5", ("healthy_reward", "3"), ("ctrl_cost_weight", "0"), ("healthy_z_range", "(1.3, inf)"));
        env.Step(new float[3]);
        // Standing at 1.25 is below the new lowest healthy height: no survive reward, terminated.
        Assert.Equal(0f, env.Infos.Value("reward_survive")[0]);
        Assert.True(env.Terminated[0]);
    }

    [Fact]
    public void Ant_without_contact_forces_observes_27_values()
    {
        using var env = Make("Ant-v5", ("include_cfrc_ext_in_observation", "False"));
        Assert.Equal(27, env.SingleObservationSpace.FlatSize);
    }

    [Fact]
    public void Xml_file_replaces_the_shipped_model()
    {
        var folder = Directory.CreateTempSubdirectory("sim-xml-file-");
        try
        {
            string path = Path.Combine(folder.FullName, "strong_hopper.xml");
            File.WriteAllText(path, EnvAssets.ReadText("hopper.xml").Replace("gear=\"200\"", "gear=\"300\"", StringComparison.Ordinal));
            using var env = Make("Hopper-v5", ("xml_file", path));
            Assert.Equal(300, Inner<Hopper>(env).Model.actuator_gear[0]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_unknown_key_is_named_with_the_keys_the_env_takes()
    {
        var e = Assert.Throws<ArgumentException>(() => Make("Walker2d-v5", ("frame_skp", "2")));
        Assert.Contains("unknown env argument 'frame_skp' for Walker2d-v5", e.Message);
        Assert.Contains("frame_skip", e.Message);
        Assert.Contains("healthy_angle_range", e.Message);
    }

    [Theory]
    [InlineData("frame_skip", "0", "frame_skip = '0' for Hopper-v5: expected a whole number of at least 1")]
    [InlineData("frame_skip", "two", "frame_skip = 'two' for Hopper-v5: expected a whole number")]
    [InlineData("ctrl_cost_weight", "nan", "ctrl_cost_weight = 'nan' for Hopper-v5: expected a number")]
    [InlineData("healthy_z_range", "2,1", "healthy_z_range = '2,1' for Hopper-v5: expected low <= high")]
    [InlineData("healthy_z_range", "0.7", "healthy_z_range = '0.7' for Hopper-v5: expected two numbers low,high")]
    [InlineData("terminate_when_unhealthy", "maybe", "terminate_when_unhealthy = 'maybe' for Hopper-v5: expected true or false")]
    [InlineData("xml_file", "no/such/robot.xml", "xml_file = 'no/such/robot.xml' for Hopper-v5: expected an existing MJCF file")]
    public void A_bad_value_names_the_key_the_value_and_what_was_expected(string key, string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Make("Hopper-v5", (key, value)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void An_env_without_arguments_refuses_them()
    {
        var e = Assert.Throws<ArgumentException>(() => Make("CartPole-v1", ("length", "2")));
        Assert.Contains("CartPole-v1 takes no env arguments", e.Message);
    }

    [Fact]
    public void Parse_reads_key_value_items_and_rejects_malformed_or_repeated_ones()
    {
        var parsed = EnvArguments.Parse(["frame_skip=2", "healthy_z_range = 0.8,2"]);
        Assert.Equal("2", parsed["frame_skip"]);
        Assert.Equal("0.8,2", parsed["healthy_z_range"]);
        Assert.Contains("'frame_skip' is not key=value", Assert.Throws<ArgumentException>(() => EnvArguments.Parse(["frame_skip"])).Message);
        Assert.Contains("'a' is given twice", Assert.Throws<ArgumentException>(() => EnvArguments.Parse(["a=1", "a=2"])).Message);
    }

    [Fact]
    public void The_alias_takes_the_same_arguments()
    {
        using var env = Make("Hopper-v1", ("frame_skip", "1"));
        Assert.Equal(1, Inner<Hopper>(env).FrameSkip);
    }
}
