using Sim.Learning.Replay;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Rewards.Robot.Dynamics;

namespace Sim.Learning.Preferences;

// REED (PreferenceLearningOptions.Reed): before each reward update (or only the first, DynamicsEncoderCopy.FirstUpdate)
// the reward network's encoders learn next-state consistency on every transition seen so far, and are copied into every
// ensemble member, which then learn the preferences. The transitions are the episode history's (PPO), or the replay buffer's once an off-policy trainer offers
// it (PEBBLE). The pretrainer's network, optimizer and random stream go into every checkpoint.
public sealed partial class PreferenceRewardLearner
{
    const string DynamicsNetworkPart = "reed_network";
    const string DynamicsOptimizerPart = "reed_optimizer";
    const string DynamicsStatePart = "reed_state";

    ITransitionSource? _replayTransitions;

    /// <summary>REED's auxiliary phase; null when the run learns its reward from the labels alone.</summary>
    public DynamicsPretrainer? Dynamics { get; }

    /// <summary>Where the auxiliary phase takes its transitions from: the replay buffer once one is offered, else the episode history.</summary>
    public ITransitionSource DynamicsTransitions => _replayTransitions ?? History;

    /// <inheritdoc/>
    public void UseReplay(ReplayBuffer replay)
    {
        ArgumentNullException.ThrowIfNull(replay);
        _replayTransitions = replay;
    }

    void TrainDynamics(long envStep, IMetricSink metrics)
    {
        if (Dynamics is null) return;
        // With the first-update schedule the members keep what the labels taught their encoders once they have been trained.
        if (Dynamics.Options.CopyEncoders == DynamicsEncoderCopy.FirstUpdate && HasTrainedModel) return;
        var report = Dynamics.Train(DynamicsTransitions);
        if (report is null) return;
        Dynamics.CopyEncodersInto(Model.Ensemble.Members);
        metrics.Log(DynamicsMetrics.ConsistencyLossTag, report.TrainLoss, envStep);
        metrics.Log(DynamicsMetrics.ValidationLossTag, report.ValidationLoss, envStep);
        metrics.Log(DynamicsMetrics.InitialValidationLossTag, report.InitialValidationLoss, envStep);
        metrics.Log(DynamicsMetrics.TargetSpreadTag, report.TargetSpread, envStep);
        metrics.Log(DynamicsMetrics.EpochsTag, report.Epochs, envStep);
        metrics.Log(DynamicsMetrics.TransitionsTag, report.Transitions, envStep);
        metrics.Log(DynamicsMetrics.SecondsTag, report.Seconds, envStep);
    }

    void SaveDynamics(CheckpointContents contents)
    {
        if (Dynamics is null) return;
        contents.AddModule(DynamicsNetworkPart, Dynamics.Encoder);
        contents.AddOptimizer(DynamicsOptimizerPart, Dynamics.Optimizer);
        contents.AddStream(DynamicsStatePart, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            Dynamics.SaveState(writer);
        });
    }

    void LoadDynamics(Checkpoint checkpoint)
    {
        bool saved = checkpoint.Contains(DynamicsNetworkPart);
        if (Dynamics is null)
        {
            if (saved) throw new InvalidDataException($"checkpoint '{checkpoint.Path}' holds a REED network (part \"{DynamicsNetworkPart}\"), but this run's config has no reed section: it was saved by a run with --reed");
            return;
        }
        string[] parts = [DynamicsNetworkPart, DynamicsOptimizerPart, DynamicsStatePart];
        if (parts.FirstOrDefault(p => !checkpoint.Contains(p)) is string missing)
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' has no part \"{missing}\": it was not written by a run with --reed; start a new run");
        checkpoint.LoadModule(DynamicsNetworkPart, Dynamics.Encoder);
        checkpoint.LoadOptimizer(DynamicsOptimizerPart, Dynamics.Optimizer);
        checkpoint.ReadBinary(DynamicsStatePart, Dynamics.LoadState);
    }
}
