using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;

namespace Sim.Envs.Tests;

/// <summary>Gymnasium's <c>default_camera_config</c>: read from JSON or a Python dict, checked against the model, kept by the
/// env for rendering, and without any effect on the physics.</summary>
public class DefaultCameraConfigTests
{
    const string Key = DefaultCameraConfig.ArgumentName;

    static IVectorEnv Make(string id, string camera, params (string Key, string Value)[] more) =>
        Envs.Make(id, 1, seed: 5, arguments: more.Append((Key: Key, Value: camera)).ToDictionary(a => a.Key, a => a.Value));

    static MuJoCoVectorEnv Physics(IVectorEnv env) => Assert.IsAssignableFrom<MuJoCoVectorEnv>(((VectorEnvWrapper)env).Find<MuJoCoVectorEnv>());

    [Fact]
    public void A_json_object_sets_exactly_the_fields_it_names()
    {
        var config = DefaultCameraConfig.Parse("""{"trackbodyid": 2, "distance": 3.0, "lookat": [0, 0, 1.15], "elevation": -20.0}""", "Hopper-v5");
        Assert.Equal(2, config.TrackBodyId);
        Assert.Equal(3.0, config.Distance);
        Assert.Equal([0.0, 0.0, 1.15], config.Lookat!);
        Assert.Equal(-20.0, config.Elevation);
        Assert.Null(config.Type);
        Assert.Null(config.Azimuth);
        Assert.Null(config.FixedCamId);
    }

    [Fact]
    public void Gymnasiums_own_python_dict_with_a_numpy_array_reads_the_same()
    {
        // InvertedDoublePendulum-v5's DEFAULT_CAMERA_CONFIG as Gymnasium writes it.
        var config = DefaultCameraConfig.Parse("{'trackbodyid': 0, 'distance': 4.1225, 'lookat': np.array((0.0, 0.0, 0.12250000000000005))}", "x");
        Assert.Equal(0, config.TrackBodyId);
        Assert.Equal(4.1225, config.Distance);
        Assert.Equal([0.0, 0.0, 0.12250000000000005], config.Lookat!);
    }

    [Theory]
    [InlineData("distance=4", "an object")]
    [InlineData("[1, 2]", "an object")]
    [InlineData("""{"zoom": 2}""", "not 'zoom'")]
    [InlineData("""{"distance": -1}""", "distance a positive number")]
    [InlineData("""{"distance": "far"}""", "distance a positive number")]
    [InlineData("""{"lookat": [0, 1]}""", "lookat three finite numbers")]
    [InlineData("""{"type": 3}""", "type a whole number in 0..2")]
    [InlineData("""{"type": 2}""", "fixedcamid of 0 or more with type 2")]
    [InlineData("""{"trackbodyid": 1.5}""", "trackbodyid a whole number")]
    public void Bad_values_are_refused_naming_the_argument_and_what_was_expected(string text, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => DefaultCameraConfig.Parse(text, "Hopper-v5"));
        Assert.Contains(Key, e.Message);
        Assert.Contains("Hopper-v5", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_env_keeps_the_config_and_its_physics_is_unchanged()
    {
        using var plain = Envs.Make("Hopper-v5", 1, seed: 5);
        using var filmed = Make("Hopper-v5", """{"distance": 7.5, "azimuth": 45}""");
        Assert.Null(Physics(plain).DefaultCamera);
        Assert.Equal(7.5, Physics(filmed).DefaultCamera!.Distance);
        Assert.Equal(45.0, Physics(filmed).DefaultCamera!.Azimuth);
        var action = new float[plain.SingleActionSpace.FlatSize];
        for (int t = 0; t < 50; t++)
        {
            for (int i = 0; i < action.Length; i++) action[i] = (float)Math.Sin(0.3 * t + i);
            plain.Step(action);
            filmed.Step(action);
            Assert.Equal(plain.Observations.ToArray(), filmed.Observations.ToArray());
            Assert.Equal(plain.Rewards.ToArray(), filmed.Rewards.ToArray());
        }
    }

    [Fact]
    public void It_goes_together_with_the_tasks_own_arguments()
    {
        using var env = Make("HalfCheetah-v5", """{"distance": 4.0}""", ("frame_skip", "2"));
        Assert.Equal(2, Physics(env).FrameSkip);
        Assert.Equal(4.0, Physics(env).DefaultCamera!.Distance);
    }

    [Fact]
    public void Ids_outside_the_model_are_refused_with_the_models_range()
    {
        // hopper.xml: world, torso, thigh, leg, foot; half_cheetah.xml: one camera, "track".
        var body = Assert.Throws<ArgumentException>(() => Make("Hopper-v5", """{"trackbodyid": 5}""").Dispose());
        Assert.Contains("trackbodyid = 5", body.Message);
        Assert.Contains("bodies 0..4", body.Message);
        var camera = Assert.Throws<ArgumentException>(() => Make("HalfCheetah-v5", """{"type": 2, "fixedcamid": 9}""").Dispose());
        Assert.Contains("fixedcamid = 9", camera.Message);
    }

    [Fact]
    public void An_env_without_keyword_arguments_refuses_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Make("CartPole-v1", """{"distance": 4.0}""").Dispose());
        Assert.Contains("CartPole-v1 takes no env arguments", e.Message);
    }

    [Fact]
    public void A_custom_mjcf_env_takes_it_too()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sim-camera-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, """
            <mujoco>
              <worldbody>
                <body name="cart" pos="0 0 0.1">
                  <joint name="slide" type="slide" axis="1 0 0"/>
                  <geom type="box" size="0.1 0.1 0.1" mass="1"/>
                </body>
              </worldbody>
              <actuator><motor joint="slide" gear="1"/></actuator>
            </mujoco>
            """);
        try
        {
            using var env = Envs.FromMjcf(path, 1, arguments: new Dictionary<string, string> { [Key] = """{"trackbodyid": 1}""" });
            Assert.Equal(1, Physics(env).DefaultCamera!.TrackBodyId);
            var e = Assert.Throws<ArgumentException>(() =>
                Envs.FromMjcf(path, 1, arguments: new Dictionary<string, string> { [Key] = """{"trackbodyid": 2}""" }).Dispose());
            Assert.Contains("bodies 0..1", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
