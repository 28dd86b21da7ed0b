using Sim.Learning.Ppo;

namespace Sim.Learning.Tests.Ppo;

/// <summary>Checks the named PPO hyperparameter sets against their published sources, and the errors for unknown names.</summary>
public sealed class PpoPresetsTests
{
    [Fact]
    public void The_zoo_cartpole_preset_matches_the_published_tuned_settings()
    {
        var config = PpoPresets.For(PpoPresets.Zoo, "CartPole-v1", discreteActions: true);
        // rl-baselines3-zoo ppo.yml, CartPole-v1: n_envs 8, n_steps 32, batch_size 256, n_epochs 20, gamma 0.98,
        // gae_lambda 0.8, learning_rate lin_1e-3, ent_coef 0, 1e5 timesteps.
        Assert.Equal(8, config.NumEnvs);
        Assert.Equal(32, config.NumSteps);
        Assert.Equal(256, config.MinibatchSize);
        Assert.Equal(20, config.UpdateEpochs);
        Assert.Equal(0.98, config.Gamma);
        Assert.Equal(0.8, config.GaeLambda);
        Assert.Equal(1e-3, config.LearningRate);
        Assert.True(config.AnnealLearningRate);
        Assert.Equal(0.0, config.EntropyCoef);
        Assert.Equal(100_000, config.TotalTimesteps);
        config.Validate();
    }

    [Fact]
    public void Cleanrl_picks_the_discrete_or_continuous_defaults()
    {
        Assert.Equal(PpoConfig.DiscreteDefaults, PpoPresets.For(PpoPresets.CleanRl, "CartPole-v1", discreteActions: true));
        Assert.Equal(new PpoConfig(), PpoPresets.For(PpoPresets.CleanRl, "Hopper-v1", discreteActions: false));
    }

    [Fact]
    public void Unknown_presets_and_untuned_envs_are_rejected_by_name()
    {
        var noPreset = Assert.Throws<ArgumentException>(() => PpoPresets.For("sb3", "CartPole-v1", true));
        Assert.Contains("'sb3'", noPreset.Message);
        Assert.Contains("cleanrl, zoo", noPreset.Message);
        var noEnv = Assert.Throws<ArgumentException>(() => PpoPresets.For(PpoPresets.Zoo, "Hopper-v1", false));
        Assert.Contains("'Hopper-v1'", noEnv.Message);
        Assert.Contains("CartPole-v1", noEnv.Message);
    }
}
