using System.Diagnostics;

namespace Sim.Cli.Tests;

/// <summary>A PPO CartPole run killed with SIGKILL at random moments and resumed each time ends with the metrics and
/// networks of a run never interrupted: every row logged up to a checkpoint survives, rows after it are logged again
/// exactly once, and the resumed training is bit for bit the same.</summary>
public sealed class MetricsKillTests
{
    // 4 envs × 128 steps: an update every 512 steps, a checkpoint every other update, so kills fall between checkpoints.
    const long Steps = 8192;
    const long CheckpointEvery = 1024;
    const long StepsPerUpdate = 512;
    const int Runs = 3;
    const int KillsPerRun = 1;

    static readonly string[] TrainArgs =
        ["train", "--env", "CartPole-v1", "--num-envs", "4", "--seed", "7", "--steps", $"{Steps}", "--checkpoint-every", $"{CheckpointEvery}"];

    [Fact]
    public void Runs_killed_at_random_and_resumed_log_every_step_once_and_end_with_the_uninterrupted_networks()
    {
        using var root = new TempDirectory();
        SimCli.Run(root.Path, [.. TrainArgs, "--runs", "reference"]).AssertSucceeded();
        string reference = Assert.Single(Directory.GetDirectories(Path.Combine(root.Path, "reference")));
        var expected = Comparable(MetricsCsv.Read(Path.Combine(reference, "metrics.csv")));
        // The reference itself: one update row per 512 steps, the budget reached.
        Assert.Equal(Enumerable.Range(1, (int)(Steps / StepsPerUpdate)).Select(k => k * StepsPerUpdate),
            expected.Where(r => r.Tag == "losses/approx_kl").Select(r => r.Step));

        // Seeded, so that a failure can be replayed with the same kill moments.
        var random = new Random(20_261_205);
        int kills = 0;
        for (int r = 0; r < Runs; r++)
        {
            string runs = Path.Combine(root.Path, $"killed-{r}");
            string? run = null;
            for (int k = 0; k <= KillsPerRun; k++)
            {
                string[] args = run is null ? [.. TrainArgs, "--runs", runs] : ["train", "--resume", run];
                // The last start runs to the end; the others are killed at a random moment of their training.
                TimeSpan? killAfter = k < KillsPerRun ? TimeSpan.FromMilliseconds(random.Next(0, 2500)) : null;
                var (exitCode, output) = RunAndMaybeKill(root.Path, args, killAfter);
                run ??= Directory.GetDirectories(runs).SingleOrDefault();
                Assert.True(run is not null, $"no run folder after `sim {string.Join(' ', args)}`\n{output}");
                if (exitCode == 0 && CheckpointFolders.LatestStep(run) == Steps) break;
                Assert.True(exitCode == Killed, $"`sim {string.Join(' ', args)}` exited with {exitCode}\n{output}");
                kills++;
                if (CheckpointFolders.LatestStep(run) is null)
                {
                    // Killed before its first checkpoint: nothing to resume (sim says so), so start it again.
                    Directory.Delete(run, recursive: true);
                    run = null;
                }
            }
            if (run is null || CheckpointFolders.LatestStep(run) != Steps)
            {
                Assert.True(run is not null, "the last start of a run was itself killed");
                var finish = SimCli.Run(root.Path, "train", "--resume", run);
                finish.AssertSucceeded();
            }

            var rows = Comparable(MetricsCsv.Read(Path.Combine(run!, "metrics.csv")));
            Assert.Equal(expected, rows);
            string final = CheckpointFolders.Latest(run!);
            string referenceFinal = CheckpointFolders.Latest(reference);
            foreach (string part in new[] { "agent.bin", "optimizer.bin" })
                Assert.True(File.ReadAllBytes(Path.Combine(referenceFinal, part)).SequenceEqual(File.ReadAllBytes(Path.Combine(final, part))),
                    $"run {r}: {part} of {final} differs from the uninterrupted run's");
        }
        Assert.True(kills >= Runs, $"only {kills} kills landed during training: the test did not test much");
    }

    const int Killed = 137;

    // Everything but the timing: steps per second and wall times differ between processes by nature.
    static List<MetricsCsv.Row> Comparable(List<MetricsCsv.Row> rows) => rows.Where(r => r.Tag != "charts/SPS").ToList();

    // Starts sim; once it says training has begun, waits killAfter and sends SIGKILL. Returns the exit code (128 + 9 when
    // killed) and the output.
    static (int ExitCode, string Output) RunAndMaybeKill(string workingDirectory, string[] args, TimeSpan? killAfter)
    {
        if (killAfter is null)
        {
            var result = SimCli.Run(workingDirectory, args);
            return (result.ExitCode, result.Describe());
        }
        var info = SimCli.StartInfo(workingDirectory, args);
        using var process = Process.Start(info)!;
        using var started = new ManualResetEventSlim();
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains("run folder:", StringComparison.Ordinal)) started.Set();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (output) output.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started.Wait(TimeSpan.FromMinutes(2));
        // Process.Kill sends SIGKILL on Linux: no handler, no flush, no finally block runs.
        if (!process.WaitForExit(killAfter.Value)) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
