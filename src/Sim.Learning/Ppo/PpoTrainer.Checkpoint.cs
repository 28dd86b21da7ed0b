using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using static TorchSharp.torch;

namespace Sim.Learning.Ppo;

// The parts of PpoTrainer that the shared training loop uses: metrics by tag, checkpoints and resume.
public sealed partial class PpoTrainer
{
    const int StateVersion = 1;

    /// <inheritdoc/>
    public string Algorithm => "ppo";

    /// <inheritdoc/>
    public long TotalTimesteps => Config.TotalTimesteps;

    /// <inheritdoc/>
    public double RecentReturn =>
        (_env as VectorEnvWrapper)?.Find<RecordEpisodeStatistics>() is { RecentCount: > 0 } stats ? stats.RecentMeanReturn : double.NaN;

    /// <inheritdoc/>
    public void RunChunk(IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        void LogEpisode(EpisodeEnd e)
        {
            // CleanRL logs every finished episode at the step it ended.
            metrics.Log(PpoIterationMetrics.EpisodicReturnTag, e.Return, e.GlobalStep);
            metrics.Log(PpoIterationMetrics.EpisodicLengthTag, e.Length, e.GlobalStep);
            if (e.Success is bool success) metrics.Log(EpisodeEnd.SuccessTag, success ? 1 : 0, e.GlobalStep);
        }
        EpisodeCompleted += LogEpisode;
        PpoIterationMetrics m;
        try
        {
            m = RunIteration();
        }
        finally
        {
            EpisodeCompleted -= LogEpisode;
        }
        long step = m.GlobalStep;
        metrics.Log(PpoIterationMetrics.LearningRateTag, m.LearningRate, step);
        metrics.Log(PpoIterationMetrics.StepsPerSecondTag, m.StepsPerSecond, step);
        metrics.Log(PpoIterationMetrics.ValueLossTag, m.ValueLoss, step);
        metrics.Log(PpoIterationMetrics.PolicyLossTag, m.PolicyLoss, step);
        metrics.Log(PpoIterationMetrics.EntropyTag, m.Entropy, step);
        metrics.Log(PpoIterationMetrics.OldApproxKlTag, m.OldApproxKl, step);
        metrics.Log(PpoIterationMetrics.ApproxKlTag, m.ApproxKl, step);
        metrics.Log(PpoIterationMetrics.ClipFractionTag, m.ClipFraction, step);
        metrics.Log(PpoIterationMetrics.ExplainedVarianceTag, m.ExplainedVariance, step);
    }

    /// <inheritdoc/>
    public void Save(CheckpointContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        contents.AddModule("agent", _agent);
        contents.AddOptimizer("optimizer", _optimizer);
        contents.AddStream("trainer", stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(StateVersion);
            writer.Write(Iteration);
            writer.Write(GlobalStep);
            using var generatorState = _generator.get_state();
            var bytes = generatorState.data<byte>().ToArray();
            writer.Write(bytes.Length);
            writer.Write(bytes);
        });
        contents.AddStream("env", stream => EnvState.Save(_env, stream));
    }

    /// <inheritdoc/>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.LoadModule("agent", _agent);
        checkpoint.LoadOptimizer("optimizer", _optimizer);
        using (var stream = checkpoint.OpenRead("trainer"))
        using (var reader = new BinaryReader(stream))
        {
            int version = reader.ReadInt32();
            if (version != StateVersion)
                throw new InvalidDataException($"checkpoint '{checkpoint.Path}' holds PPO trainer state version {version}, expected {StateVersion}");
            Iteration = reader.ReadInt32();
            GlobalStep = reader.ReadInt64();
            var bytes = reader.ReadBytes(reader.ReadInt32());
            using var state = tensor(bytes, ScalarType.Byte);
            _generator.set_state(state);
        }
        using (var stream = checkpoint.OpenRead("env")) EnvState.Load(_env, stream);
        UploadObservations();
    }
}
