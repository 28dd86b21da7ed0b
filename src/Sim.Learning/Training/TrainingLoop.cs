using System.Diagnostics;
using Sim.Learning.Runs;

namespace Sim.Learning.Training;

/// <summary>Drives any <see cref="ITrainer"/> to its step budget inside a run folder: metrics to CSV and TensorBoard,
/// periodic atomic checkpoints, resume from the latest one, and the learning-curve plots at the end.</summary>
public sealed class TrainingLoop
{
    readonly ITrainer _trainer;
    readonly RunDirectory _run;
    readonly CheckpointStore _checkpoints;

    /// <summary>Trains <paramref name="trainer"/> in <paramref name="run"/>, checkpointing every <paramref name="checkpointEvery"/> env steps.</summary>
    public TrainingLoop(ITrainer trainer, RunDirectory run, long checkpointEvery, int keepCheckpoints = CheckpointStore.DefaultKeepLast)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(run);
        if (checkpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(checkpointEvery), checkpointEvery, "expected a positive number of env steps between checkpoints");
        _trainer = trainer;
        _run = run;
        CheckpointEvery = checkpointEvery;
        _checkpoints = run.Checkpoints(keepCheckpoints);
    }

    /// <summary>Env steps between checkpoints.</summary>
    public long CheckpointEvery { get; }

    /// <summary>Step of the newest checkpoint written or resumed from, or null.</summary>
    public long? LastCheckpointStep { get; private set; }

    /// <summary>Where the last <see cref="Run"/> spent its time; null before one ran.</summary>
    public TrainingTimeReport? LastTimeReport { get; private set; }

    /// <summary>Raised after every chunk of training.</summary>
    public event Action<TrainingProgress>? Progress;

    /// <summary>Loads the run's latest checkpoint into the trainer; returns its step, or null when the run has none.</summary>
    public long? Resume()
    {
        var latest = _checkpoints.Latest();
        if (latest is null) return null;
        _trainer.Load(latest);
        LastCheckpointStep = latest.Step;
        return latest.Step;
    }

    /// <summary>Trains until the budget is spent or <paramref name="cancel"/> fires, then checkpoints and plots.</summary>
    public void Run(CancellationToken cancel = default)
    {
        using var metrics = MetricsLogger.ForRun(_run, resumeFromStep: LastCheckpointStep);
        long startStep = _trainer.GlobalStep;
        long nextCheckpoint = (startStep / CheckpointEvery + 1) * CheckpointEvery;
        var clock = Stopwatch.StartNew();
        try
        {
            while (_trainer.GlobalStep < _trainer.TotalTimesteps && !cancel.IsCancellationRequested)
            {
                _trainer.RunChunk(metrics);
                if (_trainer.GlobalStep >= nextCheckpoint)
                {
                    SaveCheckpoint();
                    nextCheckpoint = (_trainer.GlobalStep / CheckpointEvery + 1) * CheckpointEvery;
                }
                double sps = (_trainer.GlobalStep - startStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                Progress?.Invoke(new TrainingProgress(_trainer.GlobalStep, _trainer.TotalTimesteps, sps, _trainer.RecentReturn, LastCheckpointStep));
            }
            // A cancelled run keeps what it learned: the final checkpoint is also the resume point. (After a
            // failure inside a chunk the trainer's state is half-updated, so nothing is saved then.)
            if (LastCheckpointStep != _trainer.GlobalStep && _trainer.GlobalStep > startStep) SaveCheckpoint();
        }
        finally
        {
            LastTimeReport = TrainingTimeReport.From(_trainer.Phases, clock.Elapsed, _trainer.GlobalStep - startStep);
            LastTimeReport.Save(_run.TimingPath);
            metrics.Flush();
            LearningCurvePlot.WriteForRun(_run, metrics);
        }
    }

    void SaveCheckpoint()
    {
        var contents = new CheckpointContents();
        _trainer.Save(contents);
        _checkpoints.Save(_trainer.GlobalStep, contents);
        LastCheckpointStep = _trainer.GlobalStep;
    }
}
