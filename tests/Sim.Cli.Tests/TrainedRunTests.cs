using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sim.Core.Trajectories;

namespace Sim.Cli.Tests;

/// <summary><c>sim train</c>, <c>train --resume</c>, <c>eval</c> and <c>plot</c> on one small PPO CartPole run, run as a child process.</summary>
[Collection(TrainedRunCollection.Name)]
public sealed partial class TrainedRunTests(TrainedRunFixture fixture)
{
    static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // The scalars CleanRL's ppo.py logs, under its names.
    static readonly string[] CleanRlTags =
    [
        "charts/episodic_return", "charts/episodic_length", "charts/learning_rate", "charts/SPS", "losses/value_loss",
        "losses/policy_loss", "losses/entropy", "losses/old_approx_kl", "losses/approx_kl", "losses/clipfrac", "losses/explained_variance",
    ];

    [Fact]
    public void Train_writes_config_metrics_tensorboard_checkpoint_curve_and_timing()
    {
        fixture.First.AssertSucceeded();
        string run = fixture.FirstRunCopy;
        Assert.Matches($"^CartPole-v1__ppo__{TrainedRunFixture.Seed}__[0-9]+$", Path.GetFileName(run));

        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            var root = config.RootElement;
            Assert.Equal("CartPole-v1", root.GetProperty("Env").GetString());
            Assert.Equal("ppo", root.GetProperty("Algorithm").GetString());
            var ppo = root.GetProperty("Ppo");
            Assert.Equal(TrainedRunFixture.NumEnvs, ppo.GetProperty("NumEnvs").GetInt32());
            Assert.Equal(TrainedRunFixture.FirstSteps, ppo.GetProperty("TotalTimesteps").GetInt64());
            Assert.Equal((ulong)TrainedRunFixture.Seed, ppo.GetProperty("Seed").GetUInt64());
        }

        var rows = MetricsCsv.Read(Path.Combine(run, "metrics.csv"));
        var tags = rows.Select(r => r.Tag).ToHashSet();
        foreach (string tag in CleanRlTags) Assert.Contains(tag, tags);
        Assert.Equal(TrainedRunFixture.FirstSteps, rows.Max(r => r.Step));
        // CartPole pays +1 per step, so every episode's return equals its length (several envs can finish on one step).
        foreach (var atStep in rows.GroupBy(r => r.Step))
        {
            var returns = atStep.Where(r => r.Tag == "charts/episodic_return").Select(r => r.Value).Order();
            var lengths = atStep.Where(r => r.Tag == "charts/episodic_length").Select(r => r.Value).Order();
            Assert.Equal(lengths, returns);
        }
        Assert.Contains(rows, r => r.Tag == "charts/episodic_return");

        string[] events = Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*");
        Assert.NotEmpty(events);
        byte[] first = File.ReadAllBytes(events[0]);
        // A TFRecord: uint64 payload length, uint32 CRC, payload, uint32 CRC; the first event names the file format.
        Assert.True(first.Length >= 16, $"{events[0]} has {first.Length} bytes");
        long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(first);
        Assert.InRange(length, 1, first.Length - 16);
        Assert.Contains("brain.Event:2", Encoding.ASCII.GetString(first, 12, (int)length));
        Assert.Contains(events, e => Encoding.ASCII.GetString(File.ReadAllBytes(e)).Contains("charts/episodic_return"));

        string checkpoint = Assert.Single(Directory.GetDirectories(Path.Combine(run, "checkpoints")));
        Assert.True(File.Exists(Path.Combine(checkpoint, "manifest.json")), $"{checkpoint} has no manifest.json");
        Assert.True(Directory.GetFiles(checkpoint, "*.bin").Length > 0, $"{checkpoint} has no data files");
        Assert.Equal(TrainedRunFixture.FirstSteps, CheckpointFolders.LatestStep(run));

        AssertPng(Path.Combine(run, "curve.png"));

        using (var timing = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "timing.json"))))
        {
            var root = timing.RootElement;
            Assert.Equal(TrainedRunFixture.FirstSteps, root.GetProperty("EnvSteps").GetInt64());
            Assert.True(root.GetProperty("WallSeconds").GetDouble() > 0);
            double shares = new[] { "EnvShare", "InferenceShare", "UpdateShare", "OtherShare" }.Sum(s => root.GetProperty(s).GetDouble());
            Assert.Equal(1.0, shares, 1e-6);
        }

        // The summary says where the curve and the checkpoint are (paths in the original folder, not the copy).
        string flat = fixture.First.FlatStdout;
        string original = fixture.RunPath;
        Assert.True(flat.Contains(CliResult.Flatten(Path.Combine(original, "curve.png")), StringComparison.Ordinal), fixture.First.Describe());
        string checkpointThere = Path.Combine(original, "checkpoints", Path.GetFileName(checkpoint));
        Assert.True(flat.Contains(CliResult.Flatten(checkpointThere), StringComparison.Ordinal), fixture.First.Describe());
    }

    [Fact]
    public void Resume_continues_from_the_checkpoint_instead_of_starting_over()
    {
        fixture.Resumed.AssertSucceeded();
        Assert.Contains(CliResult.Flatten($"resumed at step {TrainedRunFixture.FirstSteps.ToString("N0", CultureInfo.InvariantCulture)}"),
            fixture.Resumed.FlatStdout);

        var before = MetricsCsv.Read(Path.Combine(fixture.FirstRunCopy, "metrics.csv"));
        var after = MetricsCsv.Read(Path.Combine(fixture.RunPath, "metrics.csv"));
        // What the first run logged is kept as it was, and everything logged since lies past its last step.
        Assert.Equal(before, after.Take(before.Count));
        var added = after.Skip(before.Count).ToList();
        Assert.NotEmpty(added);
        Assert.All(added, r => Assert.InRange(r.Step, TrainedRunFixture.FirstSteps + 1, TrainedRunFixture.ResumedSteps));
        Assert.Equal(TrainedRunFixture.ResumedSteps, after.Max(r => r.Step));
        // One update per rollout: as many updates in the second half of the budget as in the first, at new steps.
        var updates = after.Where(r => r.Tag == "losses/approx_kl").Select(r => r.Step).ToList();
        Assert.Equal(updates.Distinct().Count(), updates.Count);
        Assert.Equal(2 * before.Count(r => r.Tag == "losses/approx_kl"), updates.Count);

        Assert.Equal(TrainedRunFixture.ResumedSteps, CheckpointFolders.LatestStep(fixture.RunPath));
        using (var timing = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.RunPath, "timing.json"))))
        {
            // Steps taken by the resumed process alone.
            Assert.Equal(TrainedRunFixture.ResumedSteps - TrainedRunFixture.FirstSteps, timing.RootElement.GetProperty("EnvSteps").GetInt64());
        }
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.RunPath, "config.json"))))
        {
            Assert.Equal(TrainedRunFixture.ResumedSteps, config.RootElement.GetProperty("Ppo").GetProperty("TotalTimesteps").GetInt64());
        }
        AssertPng(Path.Combine(fixture.RunPath, "curve.png"));
    }

    [Fact]
    public void Eval_prints_the_returns_of_the_episodes()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, "eval", "--run", fixture.RunPath, "--episodes", "2");
        result.AssertSucceeded();
        var (min, max, mean) = Returns(result);
        // CartPole returns are whole numbers of steps, at most its 500-step limit.
        Assert.InRange(min, 1, 500);
        Assert.InRange(max, min, 500);
        Assert.Equal((min + max) / 2, mean, 0.0051);
        Assert.Contains("episodes2", result.FlatStdout);
    }

    [Fact]
    public void Eval_with_record_writes_a_trajectory_file_holding_the_evaluated_episodes()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, "eval", "--run", fixture.RunPath, "--episodes", "2", "--record", "out/eval.msgpack");
        result.AssertSucceeded();
        string file = Path.Combine(cwd.Path, "out", "eval.msgpack");
        Assert.True(File.Exists(file), result.Describe());
        var trajectories = TrajectoryFile.Read(file);
        Assert.True(trajectories.Count >= 2, $"{trajectories.Count} episodes recorded\n{result.Describe()}");
        foreach (var episode in trajectories)
        {
            Assert.Equal("CartPole-v1", episode.EnvId);
            Assert.Equal(4, episode.ObservationSize);
            Assert.True(episode.IsComplete);
            Assert.All(episode.Rewards, r => Assert.Equal(1f, r));
            Assert.Equal(episode.Steps, episode.Return);
        }
        var (min, max, _) = Returns(result);
        var recorded = trajectories.Select(t => t.Return).ToList();
        Assert.Contains(min, recorded);
        Assert.Contains(max, recorded);
    }

    [Fact]
    public void Plot_writes_a_png_comparing_runs()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, "plot", fixture.RunPath, fixture.FirstRunCopy, "--labels", "resumed", "first", "--out", "compare.png");
        result.AssertSucceeded();
        string png = Path.Combine(cwd.Path, "compare.png");
        AssertPng(png);
        Assert.Contains(CliResult.Flatten(png), result.FlatStdout);
    }

    [Fact]
    public void Plot_of_a_tag_the_run_did_not_log_is_bad_input_naming_the_tag()
    {
        using var cwd = new TempDirectory();
        SimCli.Run(cwd.Path, "plot", fixture.RunPath, "--tag", "charts/no_such_tag", "--out", "x.png").AssertBadInput("charts/no_such_tag", "charts/episodic_return");
        Assert.False(File.Exists(Path.Combine(cwd.Path, "x.png")));
    }

    [Fact]
    public void Plot_with_a_label_count_unlike_the_run_count_is_bad_input()
    {
        using var cwd = new TempDirectory();
        SimCli.Run(cwd.Path, "plot", fixture.RunPath, "--labels", "a", "b", "--out", "x.png").AssertBadInput("--labels", "2 names for 1 runs");
    }

    [Fact]
    public void Eval_of_a_corrupted_checkpoint_is_bad_input_naming_the_checkpoint()
    {
        using var cwd = new TempDirectory();
        string copy = Path.Combine(cwd.Path, Path.GetFileName(fixture.RunPath));
        TrainedRunFixture.CopyDirectory(fixture.RunPath, copy);
        string checkpoint = CheckpointFolders.Latest(copy);
        string agent = Path.Combine(checkpoint, "agent.bin");
        byte[] bytes = File.ReadAllBytes(agent);
        // Flip every bit of a stretch in the middle, so the file surely differs but keeps its length.
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 64 && i < bytes.Length; i++) bytes[i] = (byte)~bytes[i];
        File.WriteAllBytes(agent, bytes);

        SimCli.Run(cwd.Path, "eval", "--run", copy, "--episodes", "2").AssertBadInput(checkpoint, "agent", "corrupt");
    }

    [Fact]
    public void Eval_of_a_run_without_checkpoints_is_bad_input_naming_the_run()
    {
        using var cwd = new TempDirectory();
        string copy = Path.Combine(cwd.Path, Path.GetFileName(fixture.RunPath));
        TrainedRunFixture.CopyDirectory(fixture.RunPath, copy);
        Directory.Delete(Path.Combine(copy, "checkpoints"), recursive: true);

        SimCli.Run(cwd.Path, "eval", "--run", copy, "--episodes", "2").AssertBadInput(copy, "no checkpoint");
    }

    [Fact]
    public void Eval_of_zero_episodes_is_bad_input()
    {
        using var cwd = new TempDirectory();
        SimCli.Run(cwd.Path, "eval", "--run", fixture.RunPath, "--episodes", "0").AssertBadInput("--episodes = 0");
    }

    static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} does not exist");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > PngSignature.Length, $"{path} has {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..PngSignature.Length]);
    }

    // The min, max and mean return from eval's summary table.
    static (double Min, double Max, double Mean) Returns(CliResult result)
    {
        string flat = result.FlatStdout;
        var minMax = MinMax().Match(flat);
        var mean = MeanReturn().Match(flat);
        Assert.True(minMax.Success && mean.Success, $"no returns in the output\n{result.Describe()}");
        return (Parse(minMax.Groups[1].Value), Parse(minMax.Groups[2].Value), Parse(mean.Groups[1].Value));
    }

    static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"min/max(-?[0-9]+\.[0-9]+)/(-?[0-9]+\.[0-9]+)")]
    private static partial Regex MinMax();

    [GeneratedRegex(@"meanreturn(-?[0-9]+\.[0-9]+)")]
    private static partial Regex MeanReturn();
}
