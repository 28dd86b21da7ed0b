using Sim.Core;
using Sim.Core.Spaces;
using Sim.Learning.Modules;
using Sim.Learning.Preferences;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using static TorchSharp.torch;

namespace Sim.Learning.Ppo;

/// <summary>PPO's registration: CleanRL's env chain (<see cref="PpoEnvironment"/>), <see cref="PpoTrainer"/>, and
/// Christiano et al.'s <see cref="PreferencePpoTrainer"/> around it when the reward is learned.</summary>
public sealed class PpoRunAlgorithm() : RunAlgorithm<PpoConfig>(AlgorithmName)
{
    /// <summary>The name runs give: ppo.</summary>
    public const string AlgorithmName = "ppo";

    /// <inheritdoc/>
    /// <remarks>The checkpoint holds the normalisers' statistics, which the policy's inputs depend on.</remarks>
    public override bool RestoresEnvChain => true;

    /// <inheritdoc/>
    public override bool PretrainsUnsupervised => false;

    /// <inheritdoc/>
    protected override PpoConfig? SectionOf(RunConfig config) => config.Ppo;

    /// <inheritdoc/>
    protected override AlgorithmSettings SettingsOf(PpoConfig config) => new(config.Seed, config.NumEnvs, config.Device, config.TotalTimesteps);

    /// <inheritdoc/>
    public override VectorEnvOptions EnvOptions(int threads) => PpoEnvironment.Options(threads);

    /// <inheritdoc/>
    public override IVectorEnv WrapEnv(IVectorEnv env, RunDefinition run, Func<IVectorEnv, IVectorEnv>? rewardStage) =>
        PpoEnvironment.Wrap(env, ConfigOf(run), rewardStage);

    /// <inheritdoc/>
    /// <remarks>After the first rollout, when the first segments exist.</remarks>
    public override long FirstRewardUpdateStep(RunDefinition run) => ConfigOf(run).BatchSize;

    /// <inheritdoc/>
    public override (ITrainer Trainer, nn.Module Policy) CreateTrainer(IVectorEnv env, RunDefinition run, IRewardLearner? learner)
    {
        var ppo = new PpoTrainer(env, ConfigOf(run));
        return (learner is null ? ppo : new PreferencePpoTrainer(ppo, learner), ppo.Agent.Actor);
    }

    /// <inheritdoc/>
    public override PolicyNetwork LoadPolicy(IVectorEnv env, RunDefinition run, Checkpoint checkpoint)
    {
        var config = ConfigOf(run);
        var trainer = new PpoTrainer(env, config with { TorchThreads = config.TorchThreads ?? 1 });
        try
        {
            // Loads the normalisers' statistics too, which the policy's inputs depend on.
            trainer.Load(checkpoint);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        var actor = trainer.Agent.Actor;
        return new PolicyNetwork(actor, o => actor.Mode(o), trainer.Device, trainer);
    }

    /// <inheritdoc/>
    public override PolicyNetwork CreateUntrained(IVectorEnv env, RunDefinition run)
    {
        var config = ConfigOf(run);
        using var generator = new Generator(0, CPU);
        var agent = ActorCritic.ForSpaces(env.SingleObservationSpace, env.SingleActionSpace, config.HiddenSize, config.InitialLogStd, generator);
        var actor = agent.Actor;
        return new PolicyNetwork(actor, o => actor.Mode(o), CPU, agent);
    }

    /// <inheritdoc/>
    protected override PpoConfig NewSection(RunConfig config, NewRunOptions options, IVectorEnv probe)
    {
        var ppo = PpoPresets.For(options.Preset, config.Env, probe.SingleActionSpace is Discrete) with
        {
            Seed = options.Seed,
            Device = options.Device,
            TorchThreads = options.TorchThreads ?? 1,
            TotalTimesteps = options.TotalTimesteps,
        };
        if (options.NumEnvs is int envs) ppo = ppo with { NumEnvs = envs };
        ppo = HyperparameterOverrides.Apply(ppo, options.Overrides);
        ppo.Validate();
        return ppo;
    }

    /// <inheritdoc/>
    protected override RunConfig WithSection(RunConfig config, PpoConfig section) => config with { Ppo = section };

    /// <inheritdoc/>
    /// <remarks>The rollout: observation, action, log-probability, reward, value, done, advantage and return per step.</remarks>
    protected override double StorageBytes(PpoConfig section, IVectorEnv probe) =>
        (double)section.NumEnvs * section.NumSteps * (probe.SingleObservationSpace.FlatSize + probe.SingleActionSpace.FlatSize + 6) * sizeof(float);

    /// <inheritdoc/>
    public override RunConfig WithTotalTimesteps(RunDefinition run, long totalTimesteps)
    {
        var ppo = ConfigOf(run) with { TotalTimesteps = totalTimesteps };
        ppo.Validate();
        return run.Config with { Ppo = ppo };
    }
}
