using Sim.Core;
using Sim.Core.Spaces;
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
        var sac = new SacTrainer(env, ConfigOf(run));
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
    public override RunConfig WithTotalTimesteps(RunDefinition run, long totalTimesteps)
    {
        var sac = ConfigOf(run) with { TotalTimesteps = totalTimesteps };
        sac.Validate();
        return run.Config with { Sac = sac };
    }
}
