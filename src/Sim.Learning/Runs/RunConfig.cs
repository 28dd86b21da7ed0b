using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Learning.Sac;

namespace Sim.Learning.Runs;

/// <summary>The schema of a run's <c>config.json</c>: everything needed to rebuild the run, so that <c>sim train --resume</c>,
/// <c>sim eval</c> and the viewer build the same env chain, reward and policy through <see cref="RunRegistry"/>.</summary>
/// <remarks>
/// The JSON property names are the C# names below (written by <see cref="RunConfigFile"/>), and config files written
/// before this record moved into the library (when it was the command line's <c>TrainSettings</c>) have the same
/// shape and load unchanged. Which sections are present depends on <see cref="Algorithm"/> and <see cref="Reward"/>:
/// the registered algorithm reads its own section, the registered reward source its own.
/// </remarks>
public sealed record RunConfig
{
    /// <summary>Registered env id, e.g. <c>Hopper-v5</c>; the env every env chain of the run is built from.</summary>
    public required string Env { get; init; }

    /// <summary>The env's keyword arguments (Gymnasium's v5 names, key to the text given with <c>--env-arg</c>), so the run
    /// rebuilds exactly the env it trained on; null (files written before the option existed) means none.</summary>
    public SortedDictionary<string, string>? EnvArgs { get; init; }

    /// <summary>Name of the registered algorithm that trains the policy (<see cref="RunRegistry.AlgorithmNames"/>: ppo, sac).</summary>
    public required string Algorithm { get; init; }

    /// <summary>Worker threads stepping the envs during training; 1 unless <c>--threads</c> said otherwise.</summary>
    public int EnvThreads { get; init; } = 1;

    /// <summary>Env steps between checkpoints.</summary>
    public long CheckpointEvery { get; init; } = 100_000;

    /// <summary>PPO hyperparameters (seed, env count, device and step budget included), when <see cref="Algorithm"/> is ppo.</summary>
    public PpoConfig? Ppo { get; init; }

    /// <summary>SAC hyperparameters (seed, env count, device and step budget included), when <see cref="Algorithm"/> is sac.</summary>
    public SacConfig? Sac { get; init; }

    /// <summary>Name of the registered reward source the policy trains on (<see cref="RunRegistry.RewardSourceNames"/>):
    /// <c>env</c> (the env's own, the default and what files without this field mean) or <c>preference</c> (learned from labels).</summary>
    public string Reward { get; init; } = "env";

    /// <summary>Preference-learning settings, when <see cref="Reward"/> is <c>preference</c>.</summary>
    public PreferenceLearningOptions? Preference { get; init; }

    /// <summary>ONI's settings (caption reward model, combination, LLM endpoint), when <see cref="Reward"/> is <c>oni</c>.</summary>
    public Oni.OniOptions? Oni { get; init; }

    /// <summary>Stepwise progress attribution's settings (grounding, estimator, schedule), when <see cref="Reward"/> is <c>spa</c>.</summary>
    public Progress.SpaOptions? Spa { get; init; }

    /// <summary>Whether the env's reward is delayed to the end of each episode (<see cref="Sim.Core.Wrappers.EpisodicReward"/>,
    /// <c>--delayed-reward</c>), right above the registry's env in every chain the run builds; false in files written before the option existed.</summary>
    public bool DelayedReward { get; init; }

    /// <summary>Whether videos of env 0's episodes 0, 1, 8, 27, … are rendered into the run's <c>videos</c> folder
    /// (<c>--capture-video</c>); false in config files written before the option existed.</summary>
    public bool CaptureVideo { get; init; }
}
