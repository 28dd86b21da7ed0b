using Sim.Core;
using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Learning.Training;
using Sim.Rewards.Robot;
using static TorchSharp.torch;

namespace Sim.Learning.Preferences;

/// <summary>PEBBLE (Lee et al. 2021): SAC whose reward is learned from preferences, with unsupervised pre-training on a
/// state-entropy bonus and the whole replay buffer relabelled after every reward update.</summary>
/// <remarks>
/// The run goes through three phases: random actions until <see cref="SacConfig.LearningStarts"/>; SAC on the k-NN
/// state-entropy bonus until the first query round; then SAC on the learned reward, with the critics re-initialised
/// once at the switch so that no value of the exploration bonus lingers. The env chain must come from
/// the learner's <see cref="IRewardLearner.WrapEnv"/> over <see cref="SacEnvironment.Wrap"/>, so that new transitions enter the
/// replay buffer with the learned reward and the logged episodic return stays the true one.
/// </remarks>
public sealed class PebbleTrainer : PreferenceTrainer
{
    const int StateVersion = 1;
    const string StatePart = "pebble";
    readonly StateEntropyReward _entropy;
    Tensor? _reference;
    bool _onLearnedReward;

    /// <summary>Trains <paramref name="sac"/> (built on the preference env chain) with rewards from <paramref name="learner"/>.</summary>
    public PebbleTrainer(SacTrainer sac, IRewardLearner learner) : base(sac, learner)
    {
        Sac = sac;
        learner.UseReplay(sac.Replay);
        _entropy = new StateEntropyReward(sac.Device);
    }

    /// <summary>The SAC learner underneath.</summary>
    public SacTrainer Sac { get; }

    /// <inheritdoc/>
    public override void RunChunk(IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!_onLearnedReward && GlobalStep >= Sac.Config.LearningStarts && Sac.Replay.Count >= _entropy.Rank) UseEntropyBonus();
        Sac.RunChunk(metrics);
        if (!RunDueRound(metrics)) return;

        long start = TrainingPhaseTimes.Start();
        Sac.Replay.RelabelRewards(Learner.RewardFunction);
        if (!_onLearnedReward)
        {
            _onLearnedReward = true;
            Sac.BatchRewards = null;
            Sac.ResetCritics();
            _reference?.Dispose();
            _reference = null;
        }
        Phases.AddUpdate(start);
    }

    /// <inheritdoc/>
    /// <remarks>Which phase the run is in, and the running scale of the state-entropy bonus.</remarks>
    protected override void SaveOwnState(CheckpointContents contents)
    {
        contents.AddStream(StatePart, stream =>
        {
            var (count, mean, squaredDeviations) = _entropy.GetStatistics();
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(StateVersion);
            writer.Write(_onLearnedReward);
            writer.Write(count);
            writer.Write(mean);
            writer.Write(squaredDeviations);
        });
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.Contains(StatePart))
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' has no part \"{StatePart}\": it was not written by a PEBBLE run");
        checkpoint.ReadBinary(StatePart, reader =>
        {
            reader.ExpectInt32(StateVersion, "PEBBLE state version");
            bool onLearnedReward = reader.ReadFlag("phase flag");
            double count = reader.ReadDouble(), mean = reader.ReadDouble(), squaredDeviations = reader.ReadDouble();
            try
            {
                _entropy.SetStatistics(count, mean, squaredDeviations);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new InvalidDataException($"the state-entropy statistics are corrupt: {e.Message}", e);
            }
            _onLearnedReward = onLearnedReward;
        });
        // The bonus hook is set again at the next chunk while the run is still unsupervised.
        Sac.BatchRewards = null;
    }

    // Every state stored so far is a neighbour candidate; the copy is refreshed once per chunk, as the buffer grows.
    void UseEntropyBonus()
    {
        _reference?.Dispose();
        var states = Sac.Replay.Observations;
        _reference = tensor(states.ToArray(), new long[] { Sac.Replay.Count, Sac.Replay.ObservationSize }).to(Sac.Device);
        var reference = _reference;
        Sac.BatchRewards = batch => _entropy.Compute(batch.NextObservations, reference);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reference?.Dispose();
            _entropy.Dispose();
        }
        base.Dispose(disposing);
    }
}
