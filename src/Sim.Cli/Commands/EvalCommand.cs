using System.CommandLine;
using System.Globalization;
using Sim.Core;
using Sim.Core.Trajectories;
using Sim.Core.Wrappers;
using Sim.Learning;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Torch;
using Sim.Learning.Sac;
using Sim.Rewards.Models;
using Sim.Rewards.Segments;
using Sim.Rewards.Wrappers;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Cli.Commands;

/// <summary><c>sim eval</c>: runs a checkpoint's policy deterministically for N episodes and can record them.</summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var runOption = new Option<DirectoryInfo>("--run") { Description = "Run folder written by `sim train`", Required = true };
        var step = new Option<long?>("--checkpoint") { Description = "Checkpoint step (default: the latest)" };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to run", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong?>("--seed") { Description = "Env seed (default: the training seed + 10,000, so evaluation episodes are new)" };
        var record = new Option<FileInfo?>("--record") { Description = "Write the episodes (raw observations and physics state) to this trajectory file" };
        var command = new Command("eval", "Evaluate a trained policy deterministically (mean or most likely action)") { runOption, step, episodes, seed, record };
        command.SetAction(parse => Run(parse.GetValue(runOption)!, parse.GetValue(step), parse.GetValue(episodes), parse.GetValue(seed), parse.GetValue(record)));
        return command;
    }

    static int Run(DirectoryInfo folder, long? step, int episodes, ulong? seedOption, FileInfo? record)
    {
        if (episodes < 1) throw new ArgumentException($"--episodes = {episodes}: expected at least 1");
        if (record != null) OutputPath.RequireWritableFile("--record", record);
        var run = RunDirectory.Open(folder.FullName);
        var settings = run.LoadConfig<TrainSettings>();
        TrainCommand.CheckDevice(settings.Ppo?.Device ?? settings.Sac?.Device ?? "cpu", $"'{run.ConfigPath}' device");
        var store = run.Checkpoints();
        var checkpoint = step is long s ? store.Open(s) : store.Latest()
            ?? throw new FileNotFoundException($"run '{run.Path}' has no checkpoint yet; train it first", store.Directory);

        using var policy = Policy.Load(run, settings, checkpoint);
        var env = policy.Env;
        var raw = ((VectorEnvWrapper)env).Find<RecordEpisodeStatistics>()!;
        ulong seed = seedOption ?? unchecked(policy.TrainingSeed + 10_000);
        env.Reset(seed);
        var recorder = record != null ? new TrajectoryRecorder(raw, settings.Env) : null;
        recorder?.RecordReset(seed);
        var returns = new List<double>();
        var done = raw.Infos.Flag(RecordEpisodeStatistics.DoneKey);
        var episodeReturn = raw.Infos.Value(RecordEpisodeStatistics.ReturnKey);
        int obsSize = env.SingleObservationSpace.FlatSize;
        var actions = new float[env.NumEnvs * env.SingleActionSpace.FlatSize];
        // Many episodes of a slow env take minutes: the bar shows they are being played.
        using (no_grad())
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(progress =>
        {
            var task = progress.AddTask("episodes", maxValue: episodes);
            while (returns.Count < episodes)
            {
                using (var scope = NewDisposeScope())
                {
                    var observations = tensor(env.Observations.ToArray(), [env.NumEnvs, obsSize]).to(policy.Device);
                    policy.Act(observations).cpu().contiguous().data<float>().CopyTo(actions, 0);
                }
                env.Step(actions);
                recorder?.RecordStep(actions);
                for (int i = 0; i < env.NumEnvs && returns.Count < episodes; i++)
                    if (done[i]) returns.Add(episodeReturn[i]);
                task.Value = returns.Count;
                task.Description = $"{returns.Count} of {episodes} episodes";
            }
        });

        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.AddRow("checkpoint", Markup.Escape(checkpoint.Path));
        table.AddRow("episodes", returns.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("mean return", returns.Average().ToString("0.00", CultureInfo.InvariantCulture));
        table.AddRow("std", Std(returns).ToString("0.00", CultureInfo.InvariantCulture));
        table.AddRow("min / max", $"{returns.Min():0.00} / {returns.Max():0.00}");
        if (recorder != null)
        {
            var trajectories = recorder.TakeCompleted();
            record!.Directory?.Create();
            TrajectoryFile.Write(record.FullName, trajectories);
            table.AddRow("recorded", Markup.Escape($"{trajectories.Count} episodes → {record.FullName}"));
        }
        AnsiConsole.Write(table);
        return 0;
    }

    // The env chain a run trained in and its deterministic policy (the Gaussian's mode, or SAC's tanh of the mean), from a checkpoint.
    sealed class Policy : IDisposable
    {
        readonly IDisposable _owner;

        Policy(IVectorEnv env, IDisposable owner, Func<Tensor, Tensor> act, Device device, ulong trainingSeed)
        {
            Env = env;
            _owner = owner;
            Act = act;
            Device = device;
            TrainingSeed = trainingSeed;
        }

        public IVectorEnv Env { get; }
        public Func<Tensor, Tensor> Act { get; }
        public Device Device { get; }
        public ulong TrainingSeed { get; }

        public static Policy Load(RunDirectory run, TrainSettings settings, Checkpoint checkpoint)
        {
            switch (settings.Algorithm)
            {
                case "ppo":
                {
                    var config = TrainCommand.PpoConfigOf(run, settings);
                    var inner = Envs.Envs.Make(settings.Env, config.NumEnvs, config.Seed, PpoEnvironment.Options(settings.EnvThreads));
                    // A preference run's checkpoint holds the state of its whole env chain, learned-reward stage included,
                    // so the chain is rebuilt the same way around the run's latest reward model. Returns stay the env's own.
                    RobotRewardModel? rewardModel = settings.Preference is null ? null
                        : RobotRewardModel.Load(Path.Combine(run.Path, TrainCommand.RewardModelFileName));
                    var env = rewardModel is null ? PpoEnvironment.Wrap(inner, config) : PpoEnvironment.Wrap(inner, config, e =>
                        LearnedReward.Wrap(new EpisodeHistoryRecorder(e, new EpisodeHistory(new EpisodeHistoryOptions
                        {
                            EnvId = settings.Env,
                            NumEnvs = e.NumEnvs,
                            ObservationSize = e.SingleObservationSpace.FlatSize,
                            ActionSize = e.SingleActionSpace.FlatSize,
                            SegmentLength = settings.Preference!.SegmentLength,
                        })), rewardModel));
                    try
                    {
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
                        // Evaluation must not move the normalisers' statistics.
                        if (env is VectorEnvWrapper chain)
                        {
                            if (chain.Find<NormalizeObservation>() is { } obs) obs.Training = false;
                            if (chain.Find<NormalizeReward>() is { } rew) rew.Training = false;
                        }
                        IDisposable owner = rewardModel is null ? trainer : new Owners(trainer, rewardModel);
                        return new Policy(env, owner, o => trainer.Agent.Actor.Mode(o), trainer.Device, config.Seed);
                    }
                    catch
                    {
                        env.Dispose();
                        rewardModel?.Dispose();
                        throw;
                    }
                }
                case "sac":
                {
                    var config = TrainCommand.SacConfigOf(run, settings);
                    // SAC trains on the env's own observations, so only the networks are needed, not the replay buffer.
                    var env = SacEnvironment.Wrap(Envs.Envs.Make(settings.Env, config.NumEnvs, config.Seed, SacEnvironment.Options(settings.EnvThreads)));
                    try
                    {
                        set_num_threads(config.TorchThreads ?? 1);
                        var device = TorchDevice.Parse(config.Device);
                        var agent = SacTrainer.LoadAgent(checkpoint, env, config);
                        agent.to(device);
                        return new Policy(env, agent, o => agent.Actor.MeanAction(o), device, config.Seed);
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

        public void Dispose()
        {
            _owner.Dispose();
            Env.Dispose();
        }
    }

    // Several things a policy keeps alive, disposed together.
    sealed class Owners(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }

    static double Std(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
