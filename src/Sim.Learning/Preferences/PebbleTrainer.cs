using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Learning.Training;
using Sim.Rewards.Intrinsic;
using static TorchSharp.torch;

namespace Sim.Learning.Preferences;

/// <summary>PEBBLE (Lee et al. 2021): SAC whose reward is learned from preferences, with unsupervised pre-training on a
/// state-entropy bonus and the whole replay buffer relabelled after every reward update.</summary>
/// <remarks>
/// The run goes through three phases: random actions until <see cref="SacConfig.LearningStarts"/>; SAC on the k-NN
/// state-entropy bonus until the first query round; then SAC on the learned reward, with the critics re-initialised
/// once at the switch so that no value of the exploration bonus lingers. The env chain must come from
/// <see cref="PreferenceEnvironment.Wrap"/> over <see cref="SacEnvironment.Wrap"/>, so that new transitions enter the
/// replay buffer with the learned reward and the logged episodic return stays the true one.
/// </remarks>
public sealed class PebbleTrainer : ITrainer
{
    readonly SacTrainer _sac;
    readonly PreferenceRewardLearner _learner;
    readonly StateEntropyReward _entropy;
    Tensor? _reference;
    bool _onLearnedReward;

    /// <summary>Trains <paramref name="sac"/> (built on the preference env chain) with rewards from <paramref name="learner"/>.</summary>
    public PebbleTrainer(SacTrainer sac, PreferenceRewardLearner learner)
    {
        ArgumentNullException.ThrowIfNull(sac);
        ArgumentNullException.ThrowIfNull(learner);
        _sac = sac;
        _learner = learner;
        _entropy = new StateEntropyReward(sac.Device);
    }

    /// <summary>The SAC learner underneath.</summary>
    public SacTrainer Sac => _sac;

    /// <summary>The preference learner supplying the reward.</summary>
    public PreferenceRewardLearner Learner => _learner;

    /// <inheritdoc/>
    public string Algorithm => "sac";

    /// <inheritdoc/>
    public long GlobalStep => _sac.GlobalStep;

    /// <inheritdoc/>
    public long TotalTimesteps => _sac.TotalTimesteps;

    /// <inheritdoc/>
    public double RecentReturn => _sac.RecentReturn;

    /// <inheritdoc/>
    public TrainingPhaseTimes Phases => _sac.Phases;

    /// <inheritdoc/>
    public void RunChunk(IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!_onLearnedReward && GlobalStep >= _sac.Config.LearningStarts && _sac.Replay.Count >= _entropy.Rank) UseEntropyBonus();
        _sac.RunChunk(metrics);

        long start = TrainingPhaseTimes.Start();
        if (_learner.TryRunRound(GlobalStep, metrics))
        {
            _sac.Replay.RelabelRewards(_learner.Model.AsRewardFunction());
            if (!_onLearnedReward)
            {
                _onLearnedReward = true;
                _sac.BatchRewards = null;
                _sac.ResetCritics();
                _reference?.Dispose();
                _reference = null;
            }
        }
        Phases.AddUpdate(start);
    }

    // Every state stored so far is a neighbour candidate; the copy is refreshed once per chunk, as the buffer grows.
    void UseEntropyBonus()
    {
        _reference?.Dispose();
        var states = _sac.Replay.Observations;
        _reference = tensor(states.ToArray(), new long[] { _sac.Replay.Count, _sac.Replay.ObservationSize }).to(_sac.Device);
        var reference = _reference;
        _sac.BatchRewards = batch => _entropy.Compute(batch.NextObservations, reference);
    }

    /// <inheritdoc/>
    /// <remarks>Saves the SAC state (policy, critics, optimizers, replay buffer with learned rewards); the reward model is
    /// written to the run folder by the caller after each round. Such a checkpoint serves <c>sim eval</c>.</remarks>
    public void Save(CheckpointContents contents) => _sac.Save(contents);

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: the episode history and query schedule are not checkpointed yet.</exception>
    public void Load(Checkpoint checkpoint) =>
        throw new NotSupportedException("resuming a preference-learning run is not supported: its episode history and query schedule are not in checkpoints; start a new run (labels already given stay in labels.db)");

    /// <inheritdoc/>
    public void Dispose()
    {
        _reference?.Dispose();
        _entropy.Dispose();
        _sac.Dispose();
        _learner.Dispose();
    }
}
