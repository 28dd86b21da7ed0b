using System.CommandLine;
using System.Globalization;
using Sim.Core;
using Sim.Core.Trajectories;
using Sim.Core.Wrappers;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Spectre.Console;
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
        var run = RunDirectory.Open(folder.FullName);
        var settings = run.LoadConfig<TrainSettings>();
        var config = settings.Ppo ?? throw new InvalidDataException($"'{run.ConfigPath}' has no ppo section");
        var store = run.Checkpoints();
        var checkpoint = step is long s ? store.Open(s) : store.Latest()
            ?? throw new FileNotFoundException($"run '{run.Path}' has no checkpoint yet; train it first", store.Directory);

        using var env = PpoEnvironment.Wrap(Envs.Envs.Make(settings.Env, config.NumEnvs, config.Seed, PpoEnvironment.Options(settings.EnvThreads)), config);
        // The episode statistics sit below the normalisers, so they see raw observations and rewards.
        var raw = ((VectorEnvWrapper)env).Find<RecordEpisodeStatistics>()!;
        using var trainer = new PpoTrainer(env, config with { TorchThreads = config.TorchThreads ?? 1 });
        trainer.Load(checkpoint);
        // Evaluation must not move the normalisers' statistics.
        if (env is VectorEnvWrapper chain)
        {
            if (chain.Find<NormalizeObservation>() is { } obs) obs.Training = false;
            if (chain.Find<NormalizeReward>() is { } rew) rew.Training = false;
        }

        ulong seed = seedOption ?? unchecked(config.Seed + 10_000);
        env.Reset(seed);
        var recorder = record != null ? new TrajectoryRecorder(raw, settings.Env) : null;
        recorder?.RecordReset(seed);
        var returns = new List<double>();
        var done = raw.Infos.Flag(RecordEpisodeStatistics.DoneKey);
        var episodeReturn = raw.Infos.Value(RecordEpisodeStatistics.ReturnKey);
        int obsSize = env.SingleObservationSpace.FlatSize;
        var actions = new float[env.NumEnvs * env.SingleActionSpace.FlatSize];
        var device = trainer.Device;
        using (no_grad())
        {
            while (returns.Count < episodes)
            {
                using (var scope = NewDisposeScope())
                {
                    var observations = tensor(env.Observations.ToArray(), [env.NumEnvs, obsSize]).to(device);
                    var mode = trainer.Agent.Actor.Mode(observations).cpu();
                    mode.data<float>().CopyTo(actions, 0);
                }
                env.Step(actions);
                recorder?.RecordStep(actions);
                for (int i = 0; i < env.NumEnvs && returns.Count < episodes; i++)
                    if (done[i]) returns.Add(episodeReturn[i]);
            }
        }

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

    static double Std(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
