using System.Text.Json;

namespace Sim.Cli.Tests;

/// <summary><c>sim train --resume</c> on copies of the fixture's run (checkpoints at 4,096 and 8,192 steps, budget spent):
/// a spent budget is refused before anything changes, and a damaged latest checkpoint is passed over, with a word.</summary>
[Collection(TrainedRunCollection.Name)]
public sealed class ResumeTests(TrainedRunFixture fixture)
{
    [Theory]
    [InlineData(new string[0], new[] { "is at step 8192 and its step budget is 8192", "nothing is left to train", "expected a step budget above 8192" })]
    [InlineData(new[] { "--steps", "6000" }, new[] { "is at step 8192 and its step budget is 6000", "expected a step budget above 8192" })]
    [InlineData(new[] { "--steps", "8192" }, new[] { "its step budget is 8192", "nothing is left to train" })]
    public void Resuming_a_run_whose_budget_is_spent_is_refused_and_changes_nothing(string[] options, string[] named)
    {
        using var cwd = new TempDirectory();
        string run = CopyOfRun(cwd.Path);
        var before = FolderSnapshot.Take(run);
        var result = SimCli.Run(cwd.Path, new Dictionary<string, string> { ["TMPDIR"] = cwd.Path }, ["train", "--resume", run, .. options]);
        result.AssertBadInput(named);
        // config.json keeps its budget, no TensorBoard file appears, timing.json is not rewritten, no log lands in the run.
        FolderSnapshot.AssertUnchanged(before, FolderSnapshot.Take(run), result.Describe());
    }

    [Fact]
    public void A_damaged_latest_checkpoint_is_passed_over_and_the_run_resumes_from_the_one_before()
    {
        using var cwd = new TempDirectory();
        string run = CopyOfRun(cwd.Path);
        var checkpoints = CheckpointFolders.All(run);
        Assert.Equal([TrainedRunFixture.FirstSteps, TrainedRunFixture.ResumedSteps], checkpoints.Keys);
        string damaged = checkpoints[TrainedRunFixture.ResumedSteps];
        FlipBytes(Path.Combine(damaged, "agent.bin"));

        long budget = TrainedRunFixture.ResumedSteps + TrainedRunFixture.FirstSteps;
        var result = SimCli.Run(cwd.Path, "train", "--resume", run, "--steps", budget.ToString());
        result.AssertSucceeded();
        Assert.Contains($"passed over damaged checkpoint '{damaged}'", result.Stderr);
        Assert.Contains("corrupt", result.Stderr);
        Assert.Contains("resumedatstep4,096", result.FlatStdout);

        // Rows up to the checkpoint used are kept once; everything after it was logged again by the resumed run.
        var rows = MetricsCsv.Read(Path.Combine(run, "metrics.csv"));
        var updates = rows.Where(r => r.Tag == "losses/approx_kl").Select(r => r.Step).ToList();
        // 4 envs × 128 steps per update: one update every 512 steps, from 512 to the new budget.
        Assert.Equal(Enumerable.Range(1, (int)(budget / 512)).Select(k => 512L * k), updates);
        Assert.Equal(budget, CheckpointFolders.LatestStep(run));
    }

    [Fact]
    public void A_run_whose_every_checkpoint_is_damaged_is_refused_naming_them()
    {
        using var cwd = new TempDirectory();
        string run = CopyOfRun(cwd.Path);
        foreach (string checkpoint in CheckpointFolders.All(run).Values) FlipBytes(Path.Combine(checkpoint, "optimizer.bin"));
        var before = FolderSnapshot.Take(run);
        var result = SimCli.Run(cwd.Path, new Dictionary<string, string> { ["TMPDIR"] = cwd.Path }, "train", "--resume", run, "--steps", "20000");
        result.AssertBadInput("has no intact checkpoint", "step_000000008192", "step_000000004096", "optimizer");
        FolderSnapshot.AssertUnchanged(before, FolderSnapshot.Take(run), result.Describe());
    }

    [Fact]
    public void A_budget_given_on_resume_is_written_to_config_json_only_once_the_resume_is_valid()
    {
        using var cwd = new TempDirectory();
        string run = CopyOfRun(cwd.Path);
        Directory.Delete(Path.Combine(run, "checkpoints"), recursive: true);
        var result = SimCli.Run(cwd.Path, new Dictionary<string, string> { ["TMPDIR"] = cwd.Path }, "train", "--resume", run, "--steps", "20000");
        result.AssertBadInput("has no checkpoint to resume from");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(TrainedRunFixture.ResumedSteps, config.RootElement.GetProperty("Ppo").GetProperty("TotalTimesteps").GetInt64());
    }

    string CopyOfRun(string root)
    {
        fixture.Resumed.AssertSucceeded();
        string copy = Path.Combine(root, Path.GetFileName(fixture.RunPath));
        TrainedRunFixture.CopyDirectory(fixture.RunPath, copy);
        return copy;
    }

    // Inverts a stretch in the middle: same length, different content, as a bad disk sector would leave it.
    static void FlipBytes(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 32 && i < bytes.Length; i++) bytes[i] = (byte)~bytes[i];
        File.WriteAllBytes(path, bytes);
    }
}
