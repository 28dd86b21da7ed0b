using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Training;

namespace Sim.Learning.Preferences;

/// <summary>Christiano et al. (2017) on PPO: the policy trains on a learned reward (normalised by PPO's reward
/// normaliser) while labels are asked online, on the query schedule, about segments of its recent episodes.</summary>
/// <remarks>The env chain must come from <see cref="PpoEnvironment.Wrap"/> with <see cref="PreferenceEnvironment.Wrap"/>
/// as its reward stage. Being on-policy, PPO needs no relabelling: each rollout is scored by the current model.</remarks>
public sealed class PreferencePpoTrainer : ITrainer
{
    readonly PpoTrainer _ppo;
    readonly PreferenceRewardLearner _learner;

    /// <summary>Trains <paramref name="ppo"/> with rewards from <paramref name="learner"/>.</summary>
    public PreferencePpoTrainer(PpoTrainer ppo, PreferenceRewardLearner learner)
    {
        ArgumentNullException.ThrowIfNull(ppo);
        ArgumentNullException.ThrowIfNull(learner);
        _ppo = ppo;
        _learner = learner;
    }

    /// <summary>The PPO learner underneath.</summary>
    public PpoTrainer Ppo => _ppo;

    /// <summary>The preference learner supplying the reward.</summary>
    public PreferenceRewardLearner Learner => _learner;

    /// <inheritdoc/>
    public string Algorithm => "ppo";

    /// <inheritdoc/>
    public long GlobalStep => _ppo.GlobalStep;

    /// <inheritdoc/>
    public long TotalTimesteps => _ppo.TotalTimesteps;

    /// <inheritdoc/>
    public double RecentReturn => _ppo.RecentReturn;

    /// <inheritdoc/>
    public TrainingPhaseTimes Phases => _ppo.Phases;

    /// <inheritdoc/>
    public void RunChunk(IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _ppo.RunChunk(metrics);
        long start = TrainingPhaseTimes.Start();
        _learner.TryRunRound(GlobalStep, metrics);
        Phases.AddUpdate(start);
    }

    /// <inheritdoc/>
    public void Save(CheckpointContents contents) => _ppo.Save(contents);

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: the episode history and query schedule are not checkpointed yet.</exception>
    public void Load(Checkpoint checkpoint) =>
        throw new NotSupportedException("resuming a preference-learning run is not supported: its episode history and query schedule are not in checkpoints; start a new run (labels already given stay in labels.db)");

    /// <inheritdoc/>
    public void Dispose()
    {
        _ppo.Dispose();
        _learner.Dispose();
    }
}
