namespace Sim.MuJoCo.Tests;

public class ModelLoadingTests
{
    [Fact]
    public void Malformed_xml_raises_an_exception_carrying_mujocos_message()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXmlString("<mujoco><worldbody><body></worldbody></mujoco>"));
        Assert.Contains("could not load", e.Message);
        Assert.Contains("XML", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unknown_element_is_reported_with_its_name()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXmlString("<mujoco><worldbody><blob/></worldbody></mujoco>"));
        Assert.Contains("blob", e.Message);
    }

    [Fact]
    public void Bad_attribute_value_is_reported()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXmlString(
            "<mujoco><option timestep=\"fast\"/><worldbody/></mujoco>"));
        Assert.Contains("timestep", e.Message);
    }

    [Fact]
    public void Missing_file_is_a_file_not_found_error_naming_the_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => MjModel.FromXmlFile("/nonexistent/robot.xml"));
        Assert.Contains("/nonexistent/robot.xml", e.Message);
    }

    [Fact]
    public void Model_loads_from_a_file_and_names_resolve()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sim-slider-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, Models.Slider);
        try
        {
            using var model = MjModel.FromXmlFile(path);
            Assert.Equal(1, model.nu);
            Assert.Equal(1, model.NameToId(MjObject.Body, "cart"));
            Assert.Equal("slide", model.IdToName(MjObject.Joint, 0));
            Assert.Equal(-1, model.TryNameToId(MjObject.Body, "nope"));
            var e = Assert.Throws<MuJoCoException>(() => model.NameToId(MjObject.Actuator, "pull"));
            Assert.Contains("pull", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_motor_force_accelerates_the_cart_by_f_over_m()
    {
        using var model = MjModel.FromXmlString(Models.Slider);
        using var data = new MjData(model);
        data.ctrl[0] = 4.0; // 4 N on 2 kg
        data.Forward();
        Assert.Equal(2.0, data.qacc[0], 9);
    }
}
