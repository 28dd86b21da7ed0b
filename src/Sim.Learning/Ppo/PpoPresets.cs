namespace Sim.Learning.Ppo;

/// <summary>Named sets of PPO hyperparameters: CleanRL's defaults for any env, or the RL Baselines3 Zoo's tuned
/// settings for the envs the zoo tuned.</summary>
public static class PpoPresets
{
    /// <summary>CleanRL's <c>ppo_continuous_action</c> (Box actions) or <c>ppo</c> (Discrete actions) defaults.</summary>
    public const string CleanRl = "cleanrl";

    /// <summary>The RL Baselines3 Zoo's tuned hyperparameters for the env.</summary>
    public const string Zoo = "zoo";

    /// <summary>Every preset name.</summary>
    public static IReadOnlyList<string> Names { get; } = [CleanRl, Zoo];

    /// <summary>Envs with a <see cref="Zoo"/> preset.</summary>
    public static IReadOnlyList<string> ZooEnvs { get; } = ["CartPole-v1"];

    /// <summary>The hyperparameters of <paramref name="preset"/> for <paramref name="envId"/>; throws an
    /// <see cref="ArgumentException"/> naming the preset or env when there is none.</summary>
    public static PpoConfig For(string preset, string envId, bool discreteActions)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(envId);
        switch (preset)
        {
            case CleanRl:
                return discreteActions ? PpoConfig.DiscreteDefaults : new PpoConfig();
            case Zoo when envId == "CartPole-v1":
                // rl-baselines3-zoo hyperparams/ppo.yml, CartPole-v1: 8 envs × 32 steps in one 256-transition minibatch,
                // 20 epochs, γ 0.98, λ 0.8, lr 1e-3 annealed, no entropy bonus; SB3 clips no value loss by default.
                return new PpoConfig
                {
                    TotalTimesteps = 100_000,
                    NumEnvs = 8,
                    NumSteps = 32,
                    NumMinibatches = 1,
                    UpdateEpochs = 20,
                    Gamma = 0.98,
                    GaeLambda = 0.8,
                    LearningRate = 1e-3,
                    EntropyCoef = 0.0,
                    ClipValueLoss = false,
                };
            case Zoo:
                throw new ArgumentException($"no {Zoo} preset for '{envId}': the zoo presets cover {string.Join(", ", ZooEnvs)}; use {CleanRl}", nameof(envId));
            default:
                throw new ArgumentException($"PPO preset '{preset}': expected one of {string.Join(", ", Names)}", nameof(preset));
        }
    }
}
