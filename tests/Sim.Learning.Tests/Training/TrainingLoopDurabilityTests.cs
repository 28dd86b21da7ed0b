using Sim.Learning.Runs;
using Sim.Learning.Training;

namespace Sim.Learning.Tests.Training;

/// <summary>What the training loop writes around checkpoints: the metrics up to a checkpoint are in the file before the
/// checkpoint is written, and a loop with nothing left to train writes nothing at all.</summary>
public sealed class TrainingLoopDurabilityTests
{
    [Fact]
    public void Every_row_logged_up_to_a_checkpoint_is_in_the_metrics_file_when_the_checkpoint_is_saved()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "CartPole-v1", "fake", 1, DateTimeOffset.FromUnixTimeSeconds(1000));
        using var trainer = new CountingTrainer(total: 100, run.MetricsPath);
        // A chunk takes microseconds here, far below the logger's 5 s flush interval: only the checkpoint can flush.
        new TrainingLoop(trainer, run, checkpointEvery: 30).Run();

        // Checkpoints at 30, 60, 90 and the budget's end; 10 steps and one row per chunk.
        Assert.Equal([30L, 60, 90, 100], trainer.Saved.Select(s => s.Step));
        foreach (var (step, rowsOnDisk) in trainer.Saved) Assert.Equal(step / 10, rowsOnDisk);
    }

    [Fact]
    public void A_loop_with_its_budget_spent_writes_no_file()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "CartPole-v1", "fake", 1, DateTimeOffset.FromUnixTimeSeconds(1000));
        using var trainer = new CountingTrainer(total: 100, run.MetricsPath) { GlobalStep = 100 };
        var loop = new TrainingLoop(trainer, run, checkpointEvery: 30);
        loop.Run();
        Assert.Empty(Directory.GetFileSystemEntries(run.Path));
        Assert.Null(loop.LastTimeReport);
    }

    /// <summary>Takes 10 steps and logs one row per chunk; on save, counts the rows another reader sees in the metrics file.</summary>
    sealed class CountingTrainer(long total, string metricsPath) : ITrainer
    {
        public List<(long Step, int RowsOnDisk)> Saved { get; } = [];
        public string Algorithm => "fake";
        public long GlobalStep { get; set; }
        public long TotalTimesteps => total;
        public double RecentReturn => double.NaN;
        public TrainingPhaseTimes Phases { get; } = new();

        public void RunChunk(IMetricSink metrics)
        {
            GlobalStep += 10;
            metrics.Log("fake/step", GlobalStep, GlobalStep);
        }

        public void Save(CheckpointContents contents)
        {
            using var stream = new FileStream(metricsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            string text = reader.ReadToEnd();
            // Complete lines only, minus the header.
            Saved.Add((GlobalStep, text.Count(c => c == '\n') - 1));
            contents.AddBytes("step", BitConverter.GetBytes(GlobalStep));
        }

        public void Load(Checkpoint checkpoint) => GlobalStep = BitConverter.ToInt64(checkpoint.ReadBytes("step"));

        public void Dispose()
        {
        }
    }
}
