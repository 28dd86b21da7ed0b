using Sim.Learning.Runs;
using Sim.Learning.Training;

namespace Sim.Learning.Preferences;

/// <summary>What every trainer on a learned reward shares: an RL trainer underneath that does the stepping and
/// updating, and an <see cref="IRewardLearner"/> (preferences today) supplying its reward; subclasses decide what happens
/// between chunks of training.</summary>
public abstract class PreferenceTrainer : ITrainer
{
    readonly ITrainer _inner;

    /// <summary>Wraps <paramref name="inner"/>, whose env chain carries <paramref name="learner"/>'s reward.</summary>
    protected PreferenceTrainer(ITrainer inner, IRewardLearner learner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(learner);
        _inner = inner;
        Learner = learner;
    }

    /// <summary>The learner supplying the reward.</summary>
    public IRewardLearner Learner { get; }

    /// <inheritdoc/>
    public string Algorithm => _inner.Algorithm;

    /// <inheritdoc/>
    public long GlobalStep => _inner.GlobalStep;

    /// <inheritdoc/>
    public long TotalTimesteps => _inner.TotalTimesteps;

    /// <inheritdoc/>
    public double RecentReturn => _inner.RecentReturn;

    /// <inheritdoc/>
    public TrainingPhaseTimes Phases => _inner.Phases;

    /// <inheritdoc/>
    public abstract void RunChunk(IMetricSink metrics);

    /// <inheritdoc/>
    /// <remarks>Saves the RL trainer's parts (which alone serve <c>sim eval</c>), the preference learner's and this
    /// trainer's own; the labels themselves are in the run's label store.</remarks>
    public void Save(CheckpointContents contents)
    {
        _inner.Save(contents);
        Learner.Save(contents);
        SaveOwnState(contents);
    }

    /// <inheritdoc/>
    /// <remarks>The learner goes first, so that a checkpoint of a run without preferences is refused for that reason
    /// rather than for its env chain. A load that fails part way leaves the trainer unusable; build a new one.</remarks>
    public void Load(Checkpoint checkpoint)
    {
        Learner.Load(checkpoint);
        _inner.Load(checkpoint);
        LoadOwnState(checkpoint);
    }

    /// <summary>Adds what the subclass keeps between chunks beyond the RL trainer and the learner; nothing by default.</summary>
    protected virtual void SaveOwnState(CheckpointContents contents) { }

    /// <summary>Restores what <see cref="SaveOwnState"/> added.</summary>
    protected virtual void LoadOwnState(Checkpoint checkpoint) { }

    /// <summary>Updates the learned reward (a query round, for preferences) if an update is due, counting its time as update time; returns whether the reward model changed.</summary>
    protected bool RunDueRound(IMetricSink metrics)
    {
        long start = TrainingPhaseTimes.Start();
        bool changed = Learner.TryUpdate(GlobalStep, metrics);
        Phases.AddUpdate(start);
        return changed;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the RL trainer and the learner; subclasses add what they own.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        _inner.Dispose();
        Learner.Dispose();
    }
}
