using Sim.Core;
using Sim.Learning.Training;
using TorchSharp;

namespace Sim.Learning.Runs;

/// <summary>What every <see cref="IRunAlgorithm"/> shares: its name, and reading its own section
/// (<typeparamref name="TConfig"/>) of a run's config, with an error naming the file when the section is missing.</summary>
public abstract class RunAlgorithm<TConfig> : IRunAlgorithm where TConfig : class
{
    /// <summary>Registers under <paramref name="name"/>, which is also the name of its config section.</summary>
    protected RunAlgorithm(string name) => Name = name;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public abstract bool RestoresEnvChain { get; }

    /// <inheritdoc/>
    public abstract bool PretrainsUnsupervised { get; }

    /// <summary>The algorithm's section of <paramref name="config"/>, or null when it has none.</summary>
    protected abstract TConfig? SectionOf(RunConfig config);

    /// <summary>The settings every algorithm has, read from its section.</summary>
    protected abstract AlgorithmSettings SettingsOf(TConfig config);

    /// <summary>The run's section for this algorithm, or an error naming the config file.</summary>
    public TConfig ConfigOf(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return SectionOf(run.Config) ?? throw run.MissingSection(Name, $"algorithm '{run.Config.Algorithm}'");
    }

    /// <inheritdoc/>
    public AlgorithmSettings Settings(RunDefinition run) => SettingsOf(ConfigOf(run));

    /// <inheritdoc/>
    public NewRunSection CreateSection(RunConfig config, NewRunOptions options, IVectorEnv probe)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(probe);
        var section = NewSection(config, options, probe);
        return new NewRunSection(WithSection(config, section), SettingsOf(section), StorageBytes(section, probe));
    }

    /// <summary>The algorithm's section for a new run of <paramref name="config"/>'s env, validated.</summary>
    protected abstract TConfig NewSection(RunConfig config, NewRunOptions options, IVectorEnv probe);

    /// <summary><paramref name="config"/> with <paramref name="section"/> as this algorithm's section.</summary>
    protected abstract RunConfig WithSection(RunConfig config, TConfig section);

    /// <summary>Bytes the experience storage of a run with <paramref name="section"/> takes for envs like <paramref name="probe"/>.</summary>
    protected abstract double StorageBytes(TConfig section, IVectorEnv probe);

    /// <inheritdoc/>
    public abstract VectorEnvOptions EnvOptions(int threads);

    /// <inheritdoc/>
    public abstract IVectorEnv WrapEnv(IVectorEnv env, RunDefinition run, Func<IVectorEnv, IVectorEnv>? rewardStage);

    /// <inheritdoc/>
    public abstract long FirstRewardUpdateStep(RunDefinition run);

    /// <inheritdoc/>
    public abstract (ITrainer Trainer, torch.nn.Module Policy) CreateTrainer(IVectorEnv env, RunDefinition run, IRewardLearner? learner);

    /// <inheritdoc/>
    public abstract PolicyNetwork LoadPolicy(IVectorEnv env, RunDefinition run, Checkpoint checkpoint);

    /// <inheritdoc/>
    public abstract PolicyNetwork CreateUntrained(IVectorEnv env, RunDefinition run);

    /// <inheritdoc/>
    public abstract RunConfig WithTotalTimesteps(RunDefinition run, long totalTimesteps);
}
