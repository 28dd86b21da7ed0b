using Sim.Core;
using Sim.Learning.Training;

namespace Sim.Learning.Runs;

/// <summary>An RL algorithm registered in a <see cref="RunRegistry"/>: how a run of it builds its env chain and trainer,
/// loads its policy back from a checkpoint, and reads its section of the <see cref="RunConfig"/>.</summary>
public interface IRunAlgorithm
{
    /// <summary>The name <see cref="RunConfig.Algorithm"/> and <c>--algo</c> give, e.g. <c>ppo</c>.</summary>
    string Name { get; }

    /// <summary>Whether the algorithm's checkpoints hold the state of the env chain (normalisers, the reward stage), so
    /// that loading its policy needs the chain rebuilt exactly as in training, reward stage included.</summary>
    bool RestoresEnvChain { get; }

    /// <summary>Whether the algorithm explores on an unsupervised bonus before a learned reward's first update (PEBBLE).</summary>
    bool PretrainsUnsupervised { get; }

    /// <summary>The settings of the run's section for this algorithm; an <see cref="InvalidDataException"/> naming the
    /// config file when the section is missing.</summary>
    AlgorithmSettings Settings(RunDefinition run);

    /// <summary>How the registry's env must be built for this algorithm (its autoreset mode), stepped by <paramref name="threads"/> threads.</summary>
    VectorEnvOptions EnvOptions(int threads);

    /// <summary>Wraps the registry's <paramref name="env"/> into the chain the algorithm trains in, with
    /// <paramref name="rewardStage"/> (null for the env's own reward) where the reward is replaced.</summary>
    IVectorEnv WrapEnv(IVectorEnv env, RunDefinition run, Func<IVectorEnv, IVectorEnv>? rewardStage);

    /// <summary>The env step at which a learned reward can first be updated (the first rollout, the random warm-up).</summary>
    long FirstRewardUpdateStep(RunDefinition run);

    /// <summary>The trainer for <paramref name="env"/> (built by <see cref="WrapEnv"/>), training on
    /// <paramref name="learner"/>'s reward when given, which it then owns; and the policy module it trains.</summary>
    (ITrainer Trainer, TorchSharp.torch.nn.Module Policy) CreateTrainer(IVectorEnv env, RunDefinition run, IRewardLearner? learner);

    /// <summary>The policy of <paramref name="checkpoint"/>, restoring the state of <paramref name="env"/> (built by
    /// <see cref="WrapEnv"/>) as well when <see cref="RestoresEnvChain"/>.</summary>
    PolicyNetwork LoadPolicy(IVectorEnv env, RunDefinition run, Checkpoint checkpoint);

    /// <summary>An untrained CPU copy of the run's policy for envs like <paramref name="env"/>, for weights copied in later.</summary>
    PolicyNetwork CreateUntrained(IVectorEnv env, RunDefinition run);

    /// <summary><paramref name="config"/> with this algorithm's section made from <paramref name="options"/> for envs like
    /// <paramref name="probe"/> (a one-env instance) and validated; an <see cref="ArgumentException"/> naming the option
    /// when they do not fit the algorithm or the env.</summary>
    NewRunSection CreateSection(RunConfig config, NewRunOptions options, IVectorEnv probe);

    /// <summary><paramref name="run"/>'s config with a new step budget, validated.</summary>
    RunConfig WithTotalTimesteps(RunDefinition run, long totalTimesteps);
}
