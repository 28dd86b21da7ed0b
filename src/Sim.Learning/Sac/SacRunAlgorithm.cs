using Sim.Core;
using Sim.Core.Spaces;
using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>SAC's registration: CleanRL's env chain (<see cref="SacEnvironment"/>), <see cref="SacTrainer"/>, and
/// PEBBLE's <see cref="PebbleTrainer"/> around it when the reward is learned.</summary>
public sealed class SacRunAlgorithm() : RunAlgorithm<SacConfig>(AlgorithmName)
{
    /// <summary>The name runs give: sac.</summary>
    public const string AlgorithmName = "sac";

    // SAC's updates (three 256x256 networks on batches of 256) are matmul-bound: on 2 cores, 2 torch threads made them
    // 1.35x faster (docs/benchmarks.md). More threads were not measured, so the default stops at 2.
    /// <summary>Torch threads a new SAC run gets unless told otherwise (fewer on a machine with fewer cores).</summary>
    public const int DefaultTorchThreads = 2;

    /// <inheritdoc/>
    /// <remarks>SAC trains on the env's own observations, so acting needs only the networks, not the replay buffer or the chain.</remarks>
    public override bool RestoresEnvChain => false;

    /// <inheritdoc/>
    public override bool PretrainsUnsupervised => true;

    /// <inheritdoc/>
    protected override SacConfig? SectionOf(RunConfig config) => config.Sac;

    /// <inheritdoc/>
    protected override AlgorithmSettings SettingsOf(SacConfig config) => new(config.Seed, config.NumEnvs, config.Device, config.TotalTimesteps);

    /// <inheritdoc/>
    public override VectorEnvOptions EnvOptions(int threads) => SacEnvironment.Options(threads);

    /// <inheritdoc/>
    public override IVectorEnv WrapEnv(IVectorEnv env, RunDefinition run, Func<IVectorEnv, IVectorEnv>? rewardStage) =>
        SacEnvironment.Wrap(env, rewardStage);

    /// <inheritdoc/>
    /// <remarks>After the random warm-up; a reward source adds its unsupervised pre-training (<see cref="PretrainsUnsupervised"/>).</remarks>
    public override long FirstRewardUpdateStep(RunDefinition run) => ConfigOf(run).LearningStarts;

    /// <inheritdoc/>
    public override (ITrainer Trainer, nn.Module Policy) CreateTrainer(IVectorEnv env, RunDefinition run, IRewardLearner? learner)
    {
        var sac = new SacTrainer(env, ConfigOf(run), hindsightReward: learner?.HindsightReward);
        return (learner is null ? sac : new PebbleTrainer(sac, learner), sac.Agent.Actor);
    }

    /// <inheritdoc/>
    public override PolicyNetwork LoadPolicy(IVectorEnv env, RunDefinition run, Checkpoint checkpoint)
    {
        var config = ConfigOf(run);
        set_num_threads(config.TorchThreads ?? 1);
        var device = TorchDevice.Parse(config.Device);
        var agent = SacTrainer.LoadAgent(checkpoint, env, config);
        agent.to(device);
        return new PolicyNetwork(agent.Actor, o => agent.Actor.MeanAction(o), device, agent);
    }

    /// <inheritdoc/>
    public override PolicyNetwork CreateUntrained(IVectorEnv env, RunDefinition run)
    {
        var config = ConfigOf(run);
        if (env.SingleActionSpace is not Box box)
            throw new InvalidOperationException($"SAC needs a continuous Box action space, but {run.Config.Env}'s is {env.SingleActionSpace}");
        using var generator = new Generator(0, CPU);
        var agent = new SacAgent(env.SingleObservationSpace.FlatSize, box, config.HiddenSize, config.InitialAlpha, generator);
        var actor = agent.Actor;
        return new PolicyNetwork(actor, o => actor.MeanAction(o), CPU, agent);
    }

    /// <inheritdoc/>
    protected override SacConfig NewSection(RunConfig config, NewRunOptions options, IVectorEnv probe)
    {
        if (options.Preset != PpoPresets.CleanRl) throw new ArgumentException($"--hparams {options.Preset}: presets apply to --algo ppo only");
        if (probe.SingleActionSpace is not Box)
            throw new ArgumentException($"--algo sac on {config.Env}: its action space is {probe.SingleActionSpace}, but SAC needs a continuous Box; use --algo ppo");
        var sac = new SacConfig
        {
            Seed = options.Seed,
            Device = options.Device,
            TorchThreads = options.TorchThreads ?? Math.Min(Environment.ProcessorCount, DefaultTorchThreads),
            TotalTimesteps = options.TotalTimesteps,
        };
        if (options.NumEnvs is int envs) sac = sac with { NumEnvs = envs };
        sac = HyperparameterOverrides.Apply(sac, options.Overrides);
        sac.Validate();
        return sac;
    }

    /// <inheritdoc/>
    protected override RunConfig WithSection(RunConfig config, SacConfig section) => config with { Sac = section };

    /// <inheritdoc/>
    /// <remarks>The replay buffer: observations, next observations, actions, reward and done per transition.</remarks>
    protected override double StorageBytes(SacConfig section, IVectorEnv probe) =>
        (double)section.BufferSize * (2 * probe.SingleObservationSpace.FlatSize + probe.SingleActionSpace.FlatSize + 2) * sizeof(float);

    /// <inheritdoc/>
    public override RunConfig WithTotalTimesteps(RunDefinition run, long totalTimesteps)
    {
        var sac = ConfigOf(run) with { TotalTimesteps = totalTimesteps };
        sac.Validate();
        return run.Config with { Sac = sac };
    }
}
