using Sim.Core;
using Sim.Core.Registry;
using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Learning.Sac;
using Sim.Learning.Training;

namespace Sim.Learning.Runs;

/// <summary>The one registry of algorithms × reward sources, and the builder every command uses: training, evaluation,
/// the viewer and the training watcher get their env chains, rewards and policies here, so adding an algorithm or a
/// reward source is one <see cref="Register(IRunAlgorithm)"/> or <see cref="Register(IRewardSource)"/>.</summary>
public sealed class RunRegistry
{
    readonly Dictionary<string, IRunAlgorithm> _algorithms = new(StringComparer.Ordinal);
    readonly Dictionary<string, IRewardSource> _rewards = new(StringComparer.Ordinal);

    /// <summary>The built-in registrations (<see cref="CreateDefault"/>), which the <c>sim</c> command uses.</summary>
    public static RunRegistry Default { get; } = CreateDefault();

    /// <summary>A new registry holding PPO and SAC, and the env's own reward, preference learning and potential shaping.</summary>
    public static RunRegistry CreateDefault()
    {
        var registry = new RunRegistry();
        registry.Register(new PpoRunAlgorithm());
        registry.Register(new SacRunAlgorithm());
        registry.Register(new EnvRewardSource());
        registry.Register(new PreferenceRewardSource());
        registry.Register(new Oni.OniRewardSource());
        registry.Register(new PotentialRewardSource());
        registry.Register(new Progress.SpaRewardSource());
        return registry;
    }

    /// <summary>Adds <paramref name="algorithm"/>; names must be unique.</summary>
    public void Register(IRunAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (!_algorithms.TryAdd(algorithm.Name, algorithm)) throw new ArgumentException($"algorithm '{algorithm.Name}' is already registered");
    }

    /// <summary>Adds <paramref name="source"/>; names must be unique.</summary>
    public void Register(IRewardSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_rewards.TryAdd(source.Name, source)) throw new ArgumentException($"reward source '{source.Name}' is already registered");
    }

    /// <summary>Registered algorithm names, in registration order.</summary>
    public IReadOnlyList<string> AlgorithmNames => _algorithms.Keys.ToList();

    /// <summary>Registered reward source names, in registration order.</summary>
    public IReadOnlyList<string> RewardSourceNames => _rewards.Keys.ToList();

    /// <summary>The algorithm named <paramref name="name"/>, or null.</summary>
    public IRunAlgorithm? FindAlgorithm(string name) => _algorithms.GetValueOrDefault(name);

    /// <summary>The reward source named <paramref name="name"/>, or null.</summary>
    public IRewardSource? FindRewardSource(string name) => _rewards.GetValueOrDefault(name);

    /// <summary>The algorithm <paramref name="run"/>'s config names; an error naming the config file when none is registered so.</summary>
    public IRunAlgorithm AlgorithmOf(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return FindAlgorithm(run.Config.Algorithm) ?? throw new InvalidDataException(
            $"'{run.Directory.ConfigPath}' names algorithm '{run.Config.Algorithm}': expected one of {string.Join(", ", AlgorithmNames)}");
    }

    /// <summary>The reward source <paramref name="run"/>'s config names; an error naming the config file when none is registered so.</summary>
    public IRewardSource RewardSourceOf(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return FindRewardSource(run.Config.Reward) ?? throw new InvalidDataException(
            $"'{run.Directory.ConfigPath}' names reward '{run.Config.Reward}': expected one of {string.Join(", ", RewardSourceNames)}");
    }

    // The registry's env as the run sees it: with its reward delayed to the episode's end when the run says so.
    static IVectorEnv CreateEnv(RunDefinition run, EnvRegistry envs, int numEnvs, VectorEnvOptions options)
    {
        var env = envs.Create(run.Config.Env, numEnvs, options, run.Config.EnvArgs);
        return run.Config.DelayedReward ? new Sim.Core.Wrappers.EpisodicReward(env) : env;
    }

    /// <summary>Builds the env chain and trainer <paramref name="run"/> trains with, from <paramref name="envs"/>; the
    /// trainer resets the envs (env i with the run's seed + i), nothing before it.</summary>
    /// <param name="run">The run and its config.</param>
    /// <param name="envs">Where the env id is looked up.</param>
    /// <param name="aroundEnv">Optional wrapper placed right above the registry's env (e.g. a video recorder, which then
    /// sees the env's own reward); it disposes the env it was given if it throws.</param>
    public TrainingRun BuildTraining(RunDefinition run, EnvRegistry envs, Func<IVectorEnv, IVectorEnv>? aroundEnv = null)
    {
        ArgumentNullException.ThrowIfNull(envs);
        var algorithm = AlgorithmOf(run);
        var reward = RewardSourceOf(run);
        var settings = algorithm.Settings(run);
        IVectorEnv env = CreateEnv(run, envs, settings.NumEnvs, algorithm.EnvOptions(run.Config.EnvThreads));
        if (aroundEnv is not null) env = aroundEnv(env);
        IRewardLearner? learner = null;
        try
        {
            learner = reward.CreateLearner(new RewardLearnerContext(run, env, settings, algorithm.FirstRewardUpdateStep(run), algorithm.PretrainsUnsupervised));
            // A source with nothing to learn may still have a fixed stage (potential shaping), the one evaluation rebuilds.
            var stage = learner is null ? reward.LoadForEvaluation(run) : null;
            if (stage?.Owner is not null) throw new InvalidOperationException($"reward source '{reward.Name}' has no learner but its stage owns state: training cannot keep it alive");
            env = algorithm.WrapEnv(env, run, learner is null ? stage?.Wrap : learner.WrapEnv);
            var (trainer, policy) = algorithm.CreateTrainer(env, run, learner);
            string summary = $"{settings.NumEnvs} envs · seed {settings.Seed} · {settings.Device}" + (learner is null ? "" : $" · {learner.Describe()}");
            return new TrainingRun(env, trainer, policy, summary);
        }
        catch
        {
            env.Dispose();
            learner?.Dispose();
            throw;
        }
    }

    /// <summary>The deterministic policy of <paramref name="checkpoint"/> in the env chain <paramref name="run"/> trained
    /// in (its reward stage rebuilt when the algorithm's checkpoints hold the chain's state), with
    /// <paramref name="envThreads"/> stepping threads (default: the run's). The envs are not reset: reset them with the
    /// seed to act from.</summary>
    public RunPolicy LoadPolicy(RunDefinition run, Checkpoint checkpoint, EnvRegistry envs, int? envThreads = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(envs);
        var algorithm = AlgorithmOf(run);
        var reward = RewardSourceOf(run);
        var settings = algorithm.Settings(run);
        var stage = algorithm.RestoresEnvChain ? reward.LoadForEvaluation(run) : null;
        IVectorEnv env;
        try
        {
            env = CreateEnv(run, envs, settings.NumEnvs, algorithm.EnvOptions(envThreads ?? run.Config.EnvThreads));
        }
        catch
        {
            stage?.Owner?.Dispose();
            throw;
        }
        try
        {
            env = algorithm.WrapEnv(env, run, stage?.Wrap);
            var network = algorithm.LoadPolicy(env, run, checkpoint);
            return stage?.Owner is { } owner ? new RunPolicy(env, network, settings.Seed, owner) : new RunPolicy(env, network, settings.Seed);
        }
        catch
        {
            env.Dispose();
            stage?.Owner?.Dispose();
            throw;
        }
    }

    /// <summary>An untrained CPU copy of <paramref name="run"/>'s policy in a one-env chain (for its frozen observation
    /// normaliser), for the training watcher to copy the trainer's weights into.</summary>
    public RunPolicy CreateUntrained(RunDefinition run, EnvRegistry envs)
    {
        ArgumentNullException.ThrowIfNull(envs);
        var algorithm = AlgorithmOf(run);
        var settings = algorithm.Settings(run);
        var env = CreateEnv(run, envs, 1, algorithm.EnvOptions(1));
        try
        {
            env = algorithm.WrapEnv(env, run, rewardStage: null);
            return new RunPolicy(env, algorithm.CreateUntrained(env, run), settings.Seed);
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }
}
