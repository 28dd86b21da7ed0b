using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Learning.Sac;

namespace Sim.Cli.Commands;

/// <summary>What <c>sim train</c> was asked to do, saved as the run's config.json so that <c>--resume</c> rebuilds the same run.</summary>
public sealed record TrainSettings
{
    /// <summary>Registered env id.</summary>
    public required string Env { get; init; }

    /// <summary>Algorithm name: ppo or sac.</summary>
    public required string Algorithm { get; init; }

    /// <summary>Worker threads stepping the envs.</summary>
    public int EnvThreads { get; init; } = 1;

    /// <summary>Env steps between checkpoints.</summary>
    public long CheckpointEvery { get; init; } = 100_000;

    /// <summary>PPO hyperparameters, when <see cref="Algorithm"/> is ppo.</summary>
    public PpoConfig? Ppo { get; init; }

    /// <summary>SAC hyperparameters, when <see cref="Algorithm"/> is sac.</summary>
    public SacConfig? Sac { get; init; }

    /// <summary>Where the reward comes from: <c>env</c> (the env's own) or <c>preference</c> (learned from labels).</summary>
    public string Reward { get; init; } = "env";

    /// <summary>Preference-learning settings, when <see cref="Reward"/> is <c>preference</c>.</summary>
    public PreferenceLearningOptions? Preference { get; init; }

    /// <summary>Whether videos of env 0's episodes 0, 1, 8, 27, … are rendered into the run's <c>videos</c> folder
    /// (<c>--capture-video</c>); false in config files written before the option existed.</summary>
    public bool CaptureVideo { get; init; }
}
