using System.Text.Json;
using Sim.Learning.Preferences;
using Sim.Learning.Runs;
using Sim.Rewards.Robot.Dynamics;

namespace Sim.Learning.Tests.Preferences;

/// <summary><c>--reed-set</c> reaches REED's schedule and encoder sizes, and what it sets is what config.json records.</summary>
public sealed class DynamicsPretrainingOverridesTests
{
    [Fact]
    public void Reed_copies_the_encoders_before_every_update_unless_told_to_copy_them_before_the_first_only()
    {
        Assert.Equal(DynamicsEncoderCopy.EveryUpdate, new DynamicsPretrainingOptions().CopyEncoders);
        var options = DynamicsPretrainingOverrides.Apply(new DynamicsPretrainingOptions(), ["copy_encoders=firstupdate", "state_embedding=64", "epochs=5"]);
        Assert.Equal(DynamicsEncoderCopy.FirstUpdate, options.CopyEncoders);
        Assert.Equal(64, options.Encoder.StateEmbedding);
        Assert.Equal(10, options.Encoder.ActionEmbedding);
        Assert.Equal(5, options.Epochs);
    }

    [Fact]
    public void The_schedule_set_on_the_command_line_survives_the_config_file()
    {
        var options = DynamicsPretrainingOverrides.Apply(new DynamicsPretrainingOptions(), ["copy_encoders=FirstUpdate"]);
        string json = JsonSerializer.Serialize(options, RunConfigFile.Options);
        Assert.Contains("\"FirstUpdate\"", json);
        Assert.Equal(options, JsonSerializer.Deserialize<DynamicsPretrainingOptions>(json, RunConfigFile.Options));
    }

    [Fact]
    public void An_unknown_schedule_is_named_with_the_ones_there_are()
    {
        var error = Assert.Throws<ArgumentException>(() => DynamicsPretrainingOverrides.Apply(new DynamicsPretrainingOptions(), ["copy_encoders=sometimes"]));
        Assert.Contains("copy_encoders", error.Message);
        Assert.Contains("EveryUpdate, FirstUpdate", error.Message);
    }
}
