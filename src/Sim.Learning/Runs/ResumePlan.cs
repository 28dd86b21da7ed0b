using System.Globalization;

namespace Sim.Learning.Runs;

/// <summary>Where a run continues from, decided before anything in its folder changes: the newest intact checkpoint, the
/// damaged newer ones passed over, and a check that the step budget leaves something to train.</summary>
/// <param name="Checkpoint">The checkpoint training continues from.</param>
/// <param name="Damaged">Newer checkpoints passed over because they are damaged, newest first.</param>
public sealed record ResumePlan(Checkpoint Checkpoint, IReadOnlyList<DamagedCheckpoint> Damaged)
{
    /// <summary>The step training continues from.</summary>
    public long Step => Checkpoint.Step;

    /// <summary>Plans the resume of <paramref name="run"/> with a budget of <paramref name="totalTimesteps"/> env steps.
    /// A run without an intact checkpoint is an <see cref="InvalidDataException"/>, and a budget the checkpoint has
    /// already spent an <see cref="ArgumentOutOfRangeException"/>, both naming the run folder.</summary>
    /// <remarks>A run stopped before its first checkpoint is refused rather than restarted: its metrics, and a preference
    /// run's labels, belong to an attempt whose state is gone, and only the user knows whether to keep them.</remarks>
    public static ResumePlan For(RunDirectory run, long totalTimesteps)
    {
        ArgumentNullException.ThrowIfNull(run);
        var (checkpoint, damaged) = run.Checkpoints().NewestIntact();
        if (checkpoint is null && damaged.Count == 0)
        {
            int rows = MetricRows(run);
            string logged = rows > 0 ? string.Create(CultureInfo.InvariantCulture, $"; its {RunDirectory.MetricsFileName} holds {rows} rows of that attempt") : "";
            throw new InvalidDataException(
                $"run '{run.Path}' has no checkpoint to resume from: it stopped before its first one{logged}. Start a new run instead (and delete this folder when its data is not wanted)");
        }
        if (checkpoint is null)
        {
            throw new InvalidDataException(
                $"run '{run.Path}' has no intact checkpoint to resume from: {string.Join("; ", damaged.Select(d => d.Reason))}");
        }
        if (totalTimesteps <= checkpoint.Step)
        {
            throw new ArgumentOutOfRangeException(nameof(totalTimesteps), totalTimesteps, string.Create(CultureInfo.InvariantCulture,
                $"run '{run.Path}' is at step {checkpoint.Step} and its step budget is {totalTimesteps}: nothing is left to train; expected a step budget above {checkpoint.Step}"));
        }
        return new ResumePlan(checkpoint, damaged);
    }

    // Complete data rows of the run's metrics file (0 when it is missing or unreadable: the count only decorates a message).
    static int MetricRows(RunDirectory run)
    {
        try
        {
            return File.Exists(run.MetricsPath) ? Math.Max(0, MetricsFile.CompleteLines(File.ReadAllText(run.MetricsPath)).Length - 1) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
