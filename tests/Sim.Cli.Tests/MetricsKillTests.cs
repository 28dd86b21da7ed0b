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
                // The last start runs to the end. The others are killed a random moment (up to 100 ms) after a random
                // checkpoint early enough that six updates remain, so that the kill lands during training (between two
                // updates, inside one, or inside a checkpoint's write) whatever the machine's speed.
                (long Checkpoint, TimeSpan Delay)? kill = k < KillsPerRun
                    ? (CheckpointEvery * random.Next(1, (int)((Steps - 3072) / CheckpointEvery) + 1), TimeSpan.FromMilliseconds(random.Next(0, 100)))
                    : null;
                var (exitCode, output) = RunAndMaybeKill(root.Path, runs, args, kill);
                run ??= Directory.GetDirectories(runs).SingleOrDefault();
                Assert.True(run is not null, $"no run folder after `sim {string.Join(' ', args)}`\n{output}");
                if (kill is null)
                {
                    Assert.True(exitCode == 0, $"`sim {string.Join(' ', args)}` exited with {exitCode}\n{output}");
                    break;
                }
                Assert.True(exitCode == Killed, $"`sim {string.Join(' ', args)}` was to be killed after step {kill.Value.Checkpoint} but exited with {exitCode}\n{output}");
                kills++;
            }
            Assert.Equal(Steps, CheckpointFolders.LatestStep(run!));

            var rows = Comparable(MetricsCsv.Read(Path.Combine(run!, "metrics.csv")));
            Assert.Equal(expected, rows);
            string final = CheckpointFolders.Latest(run!);
            string referenceFinal = CheckpointFolders.Latest(reference);
            foreach (string part in new[] { "agent.bin", "optimizer.bin" })
                Assert.True(File.ReadAllBytes(Path.Combine(referenceFinal, part)).SequenceEqual(File.ReadAllBytes(Path.Combine(final, part))),
                    $"run {r}: {part} of {final} differs from the uninterrupted run's");
        }
        Assert.Equal(Runs * KillsPerRun, kills);
    }

    const int Killed = 137;

    // Everything but the timing: steps per second and wall times differ between processes by nature.
    static List<MetricsCsv.Row> Comparable(List<MetricsCsv.Row> rows) => rows.Where(r => r.Tag != "charts/SPS").ToList();

    // Starts sim; once the checkpoint of the given step appears under runsRoot, waits the delay and sends SIGKILL.
    // Returns the exit code (128 + 9 when killed) and the output.
    static (int ExitCode, string Output) RunAndMaybeKill(string workingDirectory, string runsRoot, string[] args, (long Checkpoint, TimeSpan Delay)? kill)
    {
        if (kill is null)
        {
            var result = SimCli.Run(workingDirectory, args);
            return (result.ExitCode, result.Describe());
        }
        var info = SimCli.StartInfo(workingDirectory, args);
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (output) output.AppendLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (output) output.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A checkpoint folder gets its step_ name by one rename, once complete, so its appearance marks the moment.
        string name = $"step_{kill.Value.Checkpoint:D12}";
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2)
               && !(Directory.Exists(runsRoot) && Directory.GetDirectories(runsRoot).Any(run => Directory.Exists(Path.Combine(run, "checkpoints", name)))))
            Thread.Sleep(2);
        // Process.Kill sends SIGKILL on Linux: no handler, no flush, no finally block runs.
        if (!process.WaitForExit(kill.Value.Delay)) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
