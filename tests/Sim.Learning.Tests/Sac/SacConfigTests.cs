using Sim.Learning.Sac;

namespace Sim.Learning.Tests.Sac;

/// <summary>Checks SacConfig's CleanRL defaults and that validation names the bad field and value.</summary>
public sealed class SacConfigTests
{
    [Fact]
    public void Defaults_are_cleanrl_sac_continuous_action()
    {
        var config = new SacConfig();
        Assert.Equal(256, config.HiddenSize);
        Assert.Equal(256, config.BatchSize);
        Assert.Equal(0.99, config.Gamma);
        Assert.Equal(0.005, config.Tau);
        Assert.Equal(3e-4, config.PolicyLearningRate);
        Assert.Equal(1e-3, config.QLearningRate);
        Assert.Equal(5_000, config.LearningStarts);
        Assert.Equal(2, config.PolicyFrequency);
        Assert.Equal(1, config.TargetNetworkFrequency);
        Assert.Equal(1_000_000, config.BufferSize);
        Assert.True(config.Autotune);
        Assert.Null(config.TargetEntropy);
        config.Validate();
    }

    [Theory]
    [InlineData(nameof(SacConfig.Gamma), "1.5")]
    [InlineData(nameof(SacConfig.Tau), "0")]
    [InlineData(nameof(SacConfig.BatchSize), "0")]
    [InlineData(nameof(SacConfig.PolicyFrequency), "0")]
    [InlineData(nameof(SacConfig.QLearningRate), "NaN")]
    [InlineData(nameof(SacConfig.LearningStarts), "-1")]
    public void Validation_names_the_field_and_its_value(string field, string value)
    {
        var config = field switch
        {
            nameof(SacConfig.Gamma) => new SacConfig { Gamma = 1.5 },
            nameof(SacConfig.Tau) => new SacConfig { Tau = 0 },
            nameof(SacConfig.BatchSize) => new SacConfig { BatchSize = 0 },
            nameof(SacConfig.PolicyFrequency) => new SacConfig { PolicyFrequency = 0 },
            nameof(SacConfig.QLearningRate) => new SacConfig { QLearningRate = double.NaN },
            nameof(SacConfig.LearningStarts) => new SacConfig { LearningStarts = -1 },
            _ => throw new ArgumentException(field),
        };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(config.Validate);
        Assert.Equal(field, ex.ParamName);
        Assert.Contains($"{field} = {value}", ex.Message);
    }
}
