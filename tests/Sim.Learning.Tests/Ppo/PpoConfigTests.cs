using Sim.Learning.Ppo;

namespace Sim.Learning.Tests.Ppo;

/// <summary>Checks PPO config defaults, derived sizes and validation messages.</summary>
public sealed class PpoConfigTests
{
    [Fact]
    public void Defaults_are_cleanrl_ppo_continuous_action()
    {
        var config = new PpoConfig();
        Assert.Equal(2048, config.NumSteps);
        Assert.Equal(0.99, config.Gamma);
        Assert.Equal(0.95, config.GaeLambda);
        Assert.Equal(10, config.UpdateEpochs);
        Assert.Equal(32, config.NumMinibatches);
        Assert.Equal(0.2, config.ClipCoef);
        Assert.Equal(0.5, config.ValueCoef);
        Assert.Equal(0.0, config.EntropyCoef);
        Assert.Equal(0.5, config.MaxGradNorm);
        Assert.Equal(3e-4, config.LearningRate);
        Assert.True(config.AnnealLearningRate);
        Assert.True(config.NormalizeAdvantages);
        Assert.Equal(64, config.HiddenSize);
        config.Validate();
    }

    [Fact]
    public void Batch_minibatch_and_iteration_counts_are_derived_from_the_rollout_shape()
    {
        var config = new PpoConfig { NumEnvs = 8, NumSteps = 128, NumMinibatches = 4, TotalTimesteps = 100_000 };
        Assert.Equal(1024, config.BatchSize);      // 8 × 128
        Assert.Equal(256, config.MinibatchSize);   // 1024 / 4
        Assert.Equal(97, config.NumIterations);    // floor(100000 / 1024)
    }

    [Theory]
    [InlineData(nameof(PpoConfig.NumEnvs))]
    [InlineData(nameof(PpoConfig.NumSteps))]
    [InlineData(nameof(PpoConfig.NumMinibatches))]
    [InlineData(nameof(PpoConfig.TotalTimesteps))]
    [InlineData(nameof(PpoConfig.Gamma))]
    [InlineData(nameof(PpoConfig.GaeLambda))]
    [InlineData(nameof(PpoConfig.LearningRate))]
    [InlineData(nameof(PpoConfig.ClipCoef))]
    [InlineData(nameof(PpoConfig.MaxGradNorm))]
    [InlineData(nameof(PpoConfig.TargetKl))]
    public void Validation_names_the_bad_field_and_value(string field)
    {
        var config = field switch
        {
            nameof(PpoConfig.NumEnvs) => new PpoConfig { NumEnvs = 0 },
            nameof(PpoConfig.NumSteps) => new PpoConfig { NumSteps = -3 },
            nameof(PpoConfig.NumMinibatches) => new PpoConfig { NumMinibatches = 3 },
            nameof(PpoConfig.TotalTimesteps) => new PpoConfig { TotalTimesteps = 100 },
            nameof(PpoConfig.Gamma) => new PpoConfig { Gamma = 1.5 },
            nameof(PpoConfig.GaeLambda) => new PpoConfig { GaeLambda = double.NaN },
            nameof(PpoConfig.LearningRate) => new PpoConfig { LearningRate = 0 },
            nameof(PpoConfig.ClipCoef) => new PpoConfig { ClipCoef = -0.2 },
            nameof(PpoConfig.MaxGradNorm) => new PpoConfig { MaxGradNorm = double.PositiveInfinity },
            nameof(PpoConfig.TargetKl) => new PpoConfig { TargetKl = -1 },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        var ex = Assert.ThrowsAny<ArgumentException>(config.Validate);
        Assert.Equal(field, ex.ParamName);
        Assert.StartsWith(field + " = ", ex.Message);
    }

    [Fact]
    public void A_minibatch_count_that_does_not_divide_the_batch_is_explained()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(new PpoConfig { NumEnvs = 2, NumSteps = 5, NumMinibatches = 4, TotalTimesteps = 100 }.Validate);
        Assert.Contains("NumMinibatches = 4", ex.Message);
        Assert.Contains("10", ex.Message);
    }
}
