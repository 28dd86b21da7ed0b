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

    /// <summary>What <c>curve.png</c> plots: episodic return unless the trainer has no episodes.</summary>
    public LearningCurve Curve { get; init; } = LearningCurve.EpisodicReturn;

    /// <summary>Env steps between checkpoints.</summary>
    public long CheckpointEvery { get; }

    /// <summary>Step of the newest checkpoint written or resumed from, or null.</summary>
    public long? LastCheckpointStep { get; private set; }

    /// <summary>Where the last <see cref="Run"/> spent its time; null before one ran.</summary>
    public TrainingTimeReport? LastTimeReport { get; private set; }

    /// <summary>Raised after every chunk of training.</summary>
    public event Action<TrainingProgress>? Progress;

    /// <summary>Newer checkpoints the last <see cref="Resume()"/> passed over because they are damaged, newest first.</summary>
    public IReadOnlyList<DamagedCheckpoint> DamagedCheckpoints { get; private set; } = [];

    /// <summary>Loads the run's newest intact checkpoint into the trainer, passing over damaged newer ones (listed in
    /// <see cref="DamagedCheckpoints"/>); returns its step, or null when the run has no checkpoint at all.</summary>
    public long? Resume()
    {
        var (checkpoint, damaged) = _checkpoints.NewestIntact();
        DamagedCheckpoints = damaged;
        if (checkpoint is null)
        {
            if (damaged.Count > 0) throw new InvalidDataException($"run '{_run.Path}' has no intact checkpoint: {string.Join("; ", damaged.Select(d => d.Reason))}");
            return null;
        }
        return Resume(checkpoint);
    }

    /// <summary>Loads the checkpoint <paramref name="plan"/> chose into the trainer; returns its step.</summary>
    public long Resume(ResumePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        DamagedCheckpoints = plan.Damaged;
        return Resume(plan.Checkpoint);
    }

    long Resume(Checkpoint checkpoint)
    {
        _trainer.Load(checkpoint);
        LastCheckpointStep = checkpoint.Step;
        return checkpoint.Step;
    }

    /// <summary>Trains until the budget is spent or <paramref name="cancel"/> fires, then checkpoints and plots.</summary>
    public void Run(CancellationToken cancel = default)
    {
        // Nothing to train writes nothing: no metrics rewrite, no TensorBoard file, no time split over zero steps.
        if (_trainer.GlobalStep >= _trainer.TotalTimesteps) return;
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
                    SaveCheckpoint(metrics);
                    nextCheckpoint = (_trainer.GlobalStep / CheckpointEvery + 1) * CheckpointEvery;
                }
                double sps = (_trainer.GlobalStep - startStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                Progress?.Invoke(new TrainingProgress(_trainer.GlobalStep, _trainer.TotalTimesteps, sps, _trainer.RecentReturn, LastCheckpointStep));
            }
            // A cancelled run keeps what it learned: the final checkpoint is also the resume point. (After a
            // failure inside a chunk the trainer's state is half-updated, so nothing is saved then.)
            if (LastCheckpointStep != _trainer.GlobalStep && _trainer.GlobalStep > startStep) SaveCheckpoint(metrics);
        }
        finally
        {
            long steps = _trainer.GlobalStep - startStep;
            LastTimeReport = TrainingTimeReport.From(_trainer.Phases, clock.Elapsed, steps);
            // A process that took no step (stopped at once) has no time split; the previous one stays.
            if (steps > 0) LastTimeReport.Save(_run.TimingPath);
            metrics.Flush();
            LearningCurvePlot.WriteForRun(_run, metrics, curve: Curve);
        }
    }

    // The metrics up to the checkpoint reach the disk before the checkpoint does: a run resumed from it then finds
    // every row it logged up to that step, and drops only the ones after.
    void SaveCheckpoint(MetricsLogger metrics)
    {
        metrics.FlushToDisk();
        var contents = new CheckpointContents();
        _trainer.Save(contents);
        _checkpoints.Save(_trainer.GlobalStep, contents);
        LastCheckpointStep = _trainer.GlobalStep;
    }
}
