using Sim.Learning.Runs;

namespace Sim.Learning.Tests.Runs;

/// <summary>Where a run resumes from: the newest checkpoint whose every part matches its hash, passing over damaged newer
/// ones; and the refusals, naming the run, when there is no checkpoint or the budget is spent.</summary>
public sealed class ResumePlanTests
{
    [Fact]
    public void A_damaged_newest_checkpoint_is_passed_over_for_the_newest_intact_one()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "CartPole-v1", "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1000));
        var store = run.Checkpoints();
        foreach (long step in new long[] { 100, 200, 300 }) store.Save(step, new CheckpointContents().AddBytes("state", [(byte)step, 1, 2, 3]));
        Corrupt(Path.Combine(store.PathOf(300), "state.bin"));

        var plan = ResumePlan.For(run, totalTimesteps: 1000);
        Assert.Equal(200, plan.Step);
        var damaged = Assert.Single(plan.Damaged);
        Assert.Equal((store.PathOf(300), 300L), (damaged.Path, damaged.Step));
        Assert.Contains("corrupt", damaged.Reason);
        Assert.Equal([200, 1, 2, 3], plan.Checkpoint.ReadBytes("state"));
    }

    [Fact]
    public void A_checkpoint_missing_its_manifest_counts_as_absent_and_one_with_a_broken_manifest_as_damaged()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.File("checkpoints"));
        store.Save(10, new CheckpointContents().AddBytes("state", [1]));
        store.Save(20, new CheckpointContents().AddBytes("state", [2]));
        File.WriteAllText(Path.Combine(store.PathOf(20), CheckpointStore.ManifestFileName), "{ not json");

        var (checkpoint, damaged) = store.NewestIntact();
        Assert.Equal(10, checkpoint?.Step);
        Assert.Equal([20L], damaged.Select(d => d.Step));
        Assert.Contains("manifest", damaged[0].Reason);
    }

    [Fact]
    public void A_run_without_checkpoints_is_refused_and_says_how_many_metric_rows_it_holds()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "CartPole-v1", "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1000));
        File.WriteAllText(run.MetricsPath, "step,tag,value,wall_time\n1,a,1,1.000\n2,a,2,2.000\n3,a,3");

        var error = Assert.Throws<InvalidDataException>(() => ResumePlan.For(run, totalTimesteps: 1000));
        Assert.Contains($"run '{run.Path}' has no checkpoint to resume from", error.Message);
        // The third row has no newline: a row cut short, not counted.
        Assert.Contains("holds 2 rows", error.Message);
    }

    [Fact]
    public void A_run_whose_every_checkpoint_is_damaged_is_refused_naming_each()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "CartPole-v1", "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1000));
        var store = run.Checkpoints();
        store.Save(100, new CheckpointContents().AddBytes("state", [1, 2]));
        store.Save(200, new CheckpointContents().AddBytes("state", [3, 4]));
        Corrupt(Path.Combine(store.PathOf(100), "state.bin"));
        Corrupt(Path.Combine(store.PathOf(200), "state.bin"));

        var error = Assert.Throws<InvalidDataException>(() => ResumePlan.For(run, totalTimesteps: 1000));
        Assert.Contains("has no intact checkpoint", error.Message);
        Assert.Contains(store.PathOf(100), error.Message);
        Assert.Contains(store.PathOf(200), error.Message);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(250)]
    public void A_budget_at_or_below_the_checkpoint_step_is_refused(long budget)
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "CartPole-v1", "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1000));
        run.Checkpoints().Save(300, new CheckpointContents().AddBytes("state", [1]));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ResumePlan.For(run, budget));
        Assert.Contains($"is at step 300 and its step budget is {budget}", error.Message);
        Assert.Contains("expected a step budget above 300", error.Message);
        Assert.Equal(300, ResumePlan.For(run, 301).Step);
    }

    // Inverts the first byte: same length, other content.
    static void Corrupt(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)~bytes[0];
        File.WriteAllBytes(path, bytes);
    }
}
