using Sim.Cli.Commands;
using Sim.Core;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Learning.Modules;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Cli.Viewing;

/// <summary>Builds the viewer's policy sources: from a run's checkpoint, or an untrained copy of a run's policy that the
/// training watcher fills with the trainer's weights.</summary>
public static class CheckpointPolicy
{
    /// <summary>Finds the run and checkpoint <paramref name="path"/> names: a run folder (its latest checkpoint) or one
    /// checkpoint folder inside a run's checkpoints folder.</summary>
    public static (RunDirectory Run, Checkpoint Checkpoint) Locate(string path)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(Path.Combine(full, RunDirectory.ConfigFileName)))
        {
            var run = RunDirectory.Open(full);
            var store = run.Checkpoints();
            return (run, store.Latest() ?? throw new FileNotFoundException($"run '{run.Path}' has no checkpoint yet: train it first", store.Directory));
        }
        // run/checkpoints/step-…
        string? runFolder = Path.GetDirectoryName(Path.GetDirectoryName(full));
        if (Directory.Exists(full) && runFolder != null && File.Exists(Path.Combine(runFolder, RunDirectory.ConfigFileName)))
            return (RunDirectory.Open(runFolder), Checkpoint.Open(full));
        throw new DirectoryNotFoundException(
            $"--checkpoint '{path}': expected a run folder written by `sim train` (with {RunDirectory.ConfigFileName}) or one of its checkpoint folders");
    }

    /// <summary>The deterministic policy of <paramref name="checkpoint"/> of <paramref name="run"/>, for envs of <paramref name="envId"/>.</summary>
    public static TorchPolicySource Load(RunDirectory run, Checkpoint checkpoint, string envId)
    {
        var settings = run.LoadConfig<TrainSettings>();
        if (settings.Env != envId)
            throw new ArgumentException($"--checkpoint '{run.Path}' was trained on {settings.Env}, but --env is {envId}: view it with --env {settings.Env}");
        string description = $"{settings.Algorithm} checkpoint at step {checkpoint.Step:N0}";
        switch (settings.Algorithm)
        {
            case "ppo":
            {
                var config = TrainCommand.PpoConfigOf(run, settings);
                // The trainer restores the normaliser statistics with the weights; it needs the run's own env count.
                var env = PpoEnvironment.Wrap(Envs.Envs.Make(settings.Env, config.NumEnvs, config.Seed, PpoEnvironment.Options(1)), config);
                PpoTrainer? trainer = null;
                try
                {
                    trainer = new PpoTrainer(env, config with { TorchThreads = config.TorchThreads ?? 1 });
                    trainer.Load(checkpoint);
                    var normalizer = ((VectorEnvWrapper)env).Find<NormalizeObservation>();
                    if (normalizer != null) normalizer.Training = false;
                    var actor = trainer.Agent.Actor;
                    var owner = new Owner(trainer, env);
                    return new TorchPolicySource(description, actor, o => actor.Mode(o),
                        normalizer, env.SingleObservationSpace.FlatSize, trainer.Device, owner);
                }
                catch
                {
                    trainer?.Dispose();
                    env.Dispose();
                    throw;
                }
            }
            case "sac":
            {
                var config = TrainCommand.SacConfigOf(run, settings);
                var env = SacEnvironment.Wrap(Envs.Envs.Make(settings.Env, config.NumEnvs, config.Seed, SacEnvironment.Options(1)));
                try
                {
                    set_num_threads(config.TorchThreads ?? 1);
                    var device = TorchDevice.Parse(config.Device);
                    var agent = SacTrainer.LoadAgent(checkpoint, env, config);
                    agent.to(device);
                    return new TorchPolicySource(description, agent.Actor, o => agent.Actor.MeanAction(o), null, env.SingleObservationSpace.FlatSize, device, new Owner(agent, env));
                }
                catch
                {
                    env.Dispose();
                    throw;
                }
            }
            default:
                throw new InvalidDataException($"'{run.ConfigPath}' names algorithm '{settings.Algorithm}': expected ppo or sac");
        }
    }

    /// <summary>An untrained CPU copy of the policy <paramref name="settings"/> trains, with its own observation normaliser,
    /// for the training watcher to load the snapshots <paramref name="updates"/> returns into.</summary>
    public static TorchPolicySource Untrained(TrainSettings settings, IVectorEnv trainingEnv, Func<PolicySnapshot?> updates)
    {
        var raw = Envs.Envs.Make(settings.Env, 1, 0);
        IVectorEnv chain = raw;
        try
        {
            if (settings.Ppo is { } ppo)
            {
                chain = PpoEnvironment.Wrap(raw, ppo with { NumEnvs = 1 });
                var normalizer = ((VectorEnvWrapper)chain).Find<NormalizeObservation>();
                if (normalizer != null) normalizer.Training = false;
                using var generator = new Generator(0, CPU);
                var agent = ActorCritic.ForSpaces(trainingEnv.SingleObservationSpace, trainingEnv.SingleActionSpace, ppo.HiddenSize, ppo.InitialLogStd, generator);
                var actor = agent.Actor;
                return new TorchPolicySource("waiting for the trainer's weights", actor, o => actor.Mode(o), normalizer,
                    raw.SingleObservationSpace.FlatSize, CPU, new Owner(agent, chain)) { Updates = updates };
            }
            if (settings.Sac is { } sac && trainingEnv.SingleActionSpace is Box box)
            {
                using var generator = new Generator(0, CPU);
                var agent = new SacAgent(raw.SingleObservationSpace.FlatSize, box, sac.HiddenSize, sac.InitialAlpha, generator);
                var actor = agent.Actor;
                return new TorchPolicySource("waiting for the trainer's weights", actor, o => actor.MeanAction(o), null,
                    raw.SingleObservationSpace.FlatSize, CPU, new Owner(agent, chain)) { Updates = updates };
            }
            throw new InvalidOperationException($"--watch: the run's settings name algorithm '{settings.Algorithm}' without its section");
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    sealed class Owner(params IDisposable[] parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var part in parts) part.Dispose();
        }
    }
}
