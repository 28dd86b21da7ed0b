using System.CommandLine;
using System.Globalization;
using Sim.Core.Trajectories;
using Sim.Core.Wrappers;
using Sim.Foundation;
using Sim.Learning;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Torch;
using Sim.Learning.Sac;
using Sim.Rewards.Robot;
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
        var seed = new Option<ulong?>("--seed") { Description = "Env seed (default: the training seed's \"evaluation\" stream, so evaluation episodes are new)" };
        var record = new Option<FileInfo?>("--record") { Description = "Write the episodes (raw observations and physics state) to this trajectory file" };
        var command = new Command("eval", "Evaluate a trained policy deterministically (mean or most likely action)") { runOption, step, episodes, seed, record };
        command.SetAction(parse => Run(parse.GetValue(runOption)!, parse.GetValue(step), parse.GetValue(episodes), parse.GetValue(seed), parse.GetValue(record)));
        return command;
    }

    static int Run(DirectoryInfo folder, long? step, int episodes, ulong? seedOption, FileInfo? record)
    {
        if (episodes < 1) throw new ArgumentException($"--episodes = {episodes}: expected at least 1");
        if (record != null) OutputPath.RequireWritableFile("--record", record);
        var run = RunDefinition.Load(RunDirectory.Open(folder.FullName));
        var settings = run.Config;
        TrainCommand.CheckDevice(RunRegistry.Default.AlgorithmOf(run).Settings(run).Device, $"'{run.Directory.ConfigPath}' device");
        var store = run.Directory.Checkpoints();
        var checkpoint = step is long s ? store.Open(s) : store.Latest()
            ?? throw new FileNotFoundException($"run '{run.Directory.Path}' has no checkpoint yet; train it first", store.Directory);

        using var policy = RunRegistry.Default.LoadPolicy(run, checkpoint, Envs.Envs.Registry);
        var env = policy.Env;
        var raw = ((VectorEnvWrapper)env).Find<RecordEpisodeStatistics>()!;
        ulong seed = seedOption ?? SeedDerivation.Derive(policy.TrainingSeed, "evaluation");
        env.Reset(seed);
        var recorder = record != null ? new TrajectoryRecorder(raw, settings.Env, envArgs: settings.EnvArgs) : null;
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

    static double Std(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
