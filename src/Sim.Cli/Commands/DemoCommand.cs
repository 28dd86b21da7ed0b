using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Sim.Core;
using Sim.Core.Trajectories;
using Sim.Core.Wrappers;
using Sim.Foundation;
using Spectre.Console;

namespace Sim.Cli.Commands;

/// <summary><c>sim demo</c>: a random-policy rollout that is recorded to a trajectory file and timed.</summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var envId = new Option<string>("--env") { Description = "Env id (see `sim envs`)", DefaultValueFactory = _ => "Hopper-v5" };
        var numEnvs = new Option<int>("--num-envs") { Description = "Envs stepped together", DefaultValueFactory = _ => 16 };
        var threads = new Option<int>("--threads") { Description = "Worker threads", DefaultValueFactory = _ => Math.Min(2, Environment.ProcessorCount) };
        var steps = new Option<long>("--steps") { Description = "Total env steps (transitions) across all envs", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<ulong>("--seed") { Description = "Env i is seeded with seed + i", DefaultValueFactory = _ => 0 };
        var output = new Option<FileInfo>("--out") { Description = "Trajectory file to write", DefaultValueFactory = _ => new FileInfo("runs/demo/rollout.msgpack") };
        var command = new Command("demo", "Run a random policy, record it, and print env throughput") { envId, numEnvs, threads, steps, seed, output };
        command.SetAction(parse => Run(parse.GetValue(envId)!, parse.GetValue(numEnvs), parse.GetValue(threads),
            parse.GetValue(steps), parse.GetValue(seed), parse.GetValue(output)!));
        return command;
    }

    static int Run(string id, int numEnvs, int threads, long totalSteps, ulong seed, FileInfo output)
    {
        if (numEnvs < 1) throw new ArgumentException($"--num-envs = {numEnvs}: expected at least 1");
        if (totalSteps < numEnvs) throw new ArgumentException($"--steps = {totalSteps}: expected at least --num-envs ({numEnvs})");
        if (threads < 1) throw new ArgumentException($"--threads = {threads}: expected at least 1");
        OutputPath.RequireWritableFile("--out", output);
        using (var probe = Envs.Envs.Registry.Spec(id).Factory(1, VectorEnvOptions.Default))
        {
            // Every step is recorded in memory (observation, action, reward, flags, physics state) until the file is written.
            double recorded = (double)totalSteps * (2 * probe.SingleObservationSpace.FlatSize + probe.SingleActionSpace.FlatSize + 8) * sizeof(float);
            EnvMemoryBudget.Require($"--num-envs = {numEnvs} with --steps = {totalSteps}", id, probe, numEnvs, recorded);
        }
        using var env = new RecordEpisodeStatistics(Envs.Envs.Make(id, numEnvs, seed, new VectorEnvOptions { NumThreads = threads }));
        var recorder = new TrajectoryRecorder(env, id);
        recorder.RecordReset(seed);
        var space = env.SingleActionSpace;
        var actions = new float[numEnvs * space.FlatSize];
        var rng = new SimRandom(SeedDerivation.Derive(seed, "random-actions"));
        long iterations = totalSteps / numEnvs;
        double envSeconds = 0;

        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(id)}[/]: {numEnvs} envs on {threads} thread(s), {iterations * numEnvs:N0} steps, seed {seed}");
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("stepping", maxValue: iterations);
                var clock = new Stopwatch();
                for (long it = 0; it < iterations; it++)
                {
                    for (int i = 0; i < numEnvs; i++) space.Sample(ref rng, actions.AsSpan(i * space.FlatSize, space.FlatSize));
                    clock.Start();
                    env.Step(actions);
                    clock.Stop();
                    recorder.RecordStep(actions);
                    if (it % 64 == 0 || it == iterations - 1)
                    {
                        task.Value = it + 1;
                        double sps = (it + 1) * numEnvs / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                        task.Description = $"{sps:N0} steps/s, recent return {FormatMean(env)}";
                    }
                }
                envSeconds = clock.Elapsed.TotalSeconds;
            });

        recorder.FlushInProgress();
        var trajectories = recorder.TakeCompleted();
        output.Directory?.Create();
        TrajectoryFile.Write(output.FullName, trajectories);

        double stepsPerSecond = iterations * numEnvs / envSeconds;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "value");
        table.AddRow("env steps", (iterations * numEnvs).ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("env throughput", $"{stepsPerSecond:N0} steps/s");
        table.AddRow("episodes finished", env.EpisodeCount.ToString(CultureInfo.InvariantCulture));
        table.AddRow($"mean return (last {env.RecentCount})", FormatMean(env));
        table.AddRow("recorded", $"{trajectories.Count} trajectories with physics state → {output.FullName}");
        AnsiConsole.Write(table);
        return 0;
    }

    static string FormatMean(RecordEpisodeStatistics stats) =>
        stats.RecentCount == 0 ? "—" : stats.RecentMeanReturn.ToString("0.0", CultureInfo.InvariantCulture);
}
