using System.Runtime.InteropServices;
using Sim.Core.Wrappers;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;
using Sim.Rewards.Normalization;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot.Dynamics;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot;

/// <summary>PEBBLE's reward model for robots: the generic <see cref="RewardModel{TItem}"/> over segments with a
/// step-reward network over (obs‖act), plus what a policy needs from it: a normalised reward per (obs, act) row.</summary>
/// <remarks>
/// <para>Typical use: <see cref="Train"/> after each round of labels, then relabel the replay buffer with
/// <c>buffer.RelabelRewards(model.AsRewardFunction())</c>, and step envs through <see cref="LearnedReward.Wrap"/>.
/// Rewards ignore the next observation.</para>
/// <para>Step rewards for the policy are the members' outputs combined by <see cref="RobotRewardModelConfig.Aggregation"/>
/// (the worst case and mean − λ·var on members standardised by <see cref="Scales"/>) and rescaled by
/// <see cref="Normalizer"/>; member rewards, uncertainties and preference probabilities are raw.
/// Every batch is one host-to-device copy, K forward passes and one copy back. Not thread-safe.</para>
/// </remarks>
public sealed class RobotRewardModel : IRewardModel<Segment>, IDisposable
{
    /// <summary>The kind recorded in saved files.</summary>
    public const string FileKind = "robot-step-mlp";

    /// <summary>Pairs per forward pass in <see cref="PredictPreferences"/>, which bounds its memory for 10k candidates.</summary>
    public const int PredictionChunkPairs = RewardModel<Segment>.PredictionChunk;

    private readonly IStepRewardNetwork[] _encoders;
    private Tensor? _staging;
    private int _stagingRows;
    private TransitionRewardFunction? _rewardFunction;
    private bool _disposed;

    /// <summary>Builds an untrained model on <paramref name="device"/> (the CPU by default).</summary>
    public RobotRewardModel(RobotRewardModelConfig config, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Core = new RewardModel<Segment>(config.Ensemble, config.Aggregation, config.Normalization,
            new SegmentCollator(config.Encoder.ObservationSize, config.Encoder.ActionSize),
            generator => config.Dynamics is null
                ? new StepRewardEncoder(config.Encoder, generator)
                : new DynamicsRewardEncoder(config.Encoder, config.Dynamics, generator), device);
        _encoders = Ensemble.Members.Cast<IStepRewardNetwork>().ToArray();
    }

    /// <summary>The model's definition.</summary>
    public RobotRewardModelConfig Config { get; }

    /// <summary>The generic model underneath: ensemble, collator, aggregation, normaliser and file.</summary>
    public RewardModel<Segment> Core { get; }

    /// <summary>The members and their training.</summary>
    public RewardEnsemble Ensemble => Core.Ensemble;

    /// <summary>The rescaling of the policy's reward.</summary>
    public RewardNormalizer Normalizer => Core.Normalizer;

    /// <summary>Each member's step-reward mean and standard deviation on the last training round's segments.</summary>
    public MemberScales Scales => Core.Scales;

    /// <summary>Where the weights live.</summary>
    public Device Device => Ensemble.Device;

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize => Config.Encoder.ObservationSize;

    /// <summary>Floats per action row.</summary>
    public int ActionSize => Config.Encoder.ActionSize;

    /// <summary>Ensemble members K.</summary>
    public int MemberCount => Ensemble.MemberCount;

    /// <summary>Trains one round on <paramref name="labels"/> (Skip pairs are ignored), reports loss and accuracy (on
    /// <paramref name="heldOut"/> too when it has trainable pairs), then refits <see cref="Normalizer"/> on the step
    /// rewards of the labelled segments, the most recent inputs the model has seen.</summary>
    /// <exception cref="InvalidOperationException">When no label is Left, Right or Equal.</exception>
    public RewardTrainingReport Train(IReadOnlyList<LabeledPair<Segment>> labels, IReadOnlyList<LabeledPair<Segment>>? heldOut = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Core.Train(labels, heldOut);
    }

    /// <summary>Each segment's reward: the sum of its normalised step rewards.</summary>
    public void Score(IReadOnlyList<Segment> items, Span<float> scores) => Core.Score(items, scores);

    /// <summary>The policy's reward for each (obs, act) row: aggregated over members and normalised.</summary>
    /// <param name="observations"><c>[rows × obs size]</c>.</param>
    /// <param name="actions"><c>[rows × action size]</c>.</param>
    /// <param name="rewards">One reward per row, written.</param>
    public void Rewards(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, Span<float> rewards)
    {
        using var scope = NewDisposeScope();
        var perMember = MemberStepRewards(observations, actions, rewards.Length);
        var aggregated = Core.Aggregate(perMember, Config.Aggregation);
        CopyToHost(Normalizer.Apply(aggregated), rewards);
    }

    /// <summary>Each member's raw step reward for each row, member-major: <c>perMember[m * rows + i]</c>.</summary>
    public void MemberRewards(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, Span<float> perMember)
    {
        if (perMember.Length % MemberCount != 0)
            throw new ArgumentException($"perMember has {perMember.Length} values: expected {MemberCount} members × rows", nameof(perMember));
        using var scope = NewDisposeScope();
        CopyToHost(MemberStepRewards(observations, actions, perMember.Length / MemberCount), perMember);
    }

    /// <summary>The standard deviation of the members' raw step rewards for each row (the ensemble's uncertainty).</summary>
    public void Uncertainty(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, Span<float> std)
    {
        using var scope = NewDisposeScope();
        var perMember = MemberStepRewards(observations, actions, std.Length);
        CopyToHost(Aggregation.StandardDeviation(perMember), std);
    }

    /// <summary>Writes <see cref="Rewards"/> for many rows in chunks of <paramref name="chunkRows"/>, e.g. a whole replay buffer.</summary>
    public void Relabel(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, Span<float> rewards, int chunkRows = 4096)
    {
        if (chunkRows < 1) throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, $"chunkRows = {chunkRows}: expected at least 1");
        CheckRows(observations, actions, rewards.Length);
        for (int start = 0; start < rewards.Length; start += chunkRows)
        {
            int rows = Math.Min(chunkRows, rewards.Length - start);
            Rewards(
                observations.Slice(start * ObservationSize, rows * ObservationSize),
                actions.Slice(start * ActionSize, rows * ActionSize),
                rewards.Slice(start, rows));
        }
    }

    /// <summary>This model as a batched transition reward, for <see cref="FuncRewardWrapper"/> and
    /// <c>ReplayBuffer.RelabelRewards</c>; the next observations are not used.</summary>
    public TransitionRewardFunction AsRewardFunction() =>
        _rewardFunction ??= (observations, actions, _, rewards) => Rewards(observations, actions, rewards);

    /// <summary>Refits <see cref="Normalizer"/> on the aggregated reward of sample rows, e.g. recent replay transitions.</summary>
    public void FitNormalizer(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions)
    {
        if (ObservationSize == 0 || observations.Length % ObservationSize != 0)
            throw new ArgumentException($"observations has {observations.Length} values: expected a multiple of the observation size {ObservationSize}", nameof(observations));
        using var scope = NewDisposeScope();
        var perMember = MemberStepRewards(observations, actions, observations.Length / ObservationSize);
        Normalizer.Fit(Core.Aggregate(perMember, Config.Aggregation));
    }

    /// <inheritdoc />
    public void PredictPreferences(IReadOnlyList<Segment> left, IReadOnlyList<Segment> right, Span<float> probabilities) =>
        Core.PredictPreferences(left, right, probabilities);

    /// <summary>Saves the config, normaliser, member scales and member weights to <paramref name="path"/> atomically (see <see cref="Serialization.RewardModelFile"/>).</summary>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Core.Save(path, FileKind, Config);
    }

    /// <summary>Loads a model saved by <see cref="Save"/> onto <paramref name="device"/> (the CPU by default).</summary>
    /// <exception cref="Serialization.RewardModelFormatException">When the file is missing, truncated, corrupt, of another version or kind, or inconsistent.</exception>
    public static RobotRewardModel Load(string path, Device? device = null) =>
        RewardModel<Segment>.Load<RobotRewardModelConfig, RobotRewardModel>(path, FileKind, config => new RobotRewardModel(config, device), model => model.Core);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _staging?.Dispose();
        Core.Dispose();
    }

    // ---------------------------------------------------------------- helpers

    // [K, rows] raw step rewards, in the caller's dispose scope.
    private Tensor MemberStepRewards(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, int rows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckRows(observations, actions, rows);
        var steps = Stage(observations, actions, rows);
        using var noGrad = no_grad();
        var perMember = new Tensor[MemberCount];
        for (int m = 0; m < MemberCount; m++) perMember[m] = _encoders[m].StepRewards(steps);
        return stack(perMember);
    }

    // The rows as one [rows, obs+act] tensor on the device; the host memory is reused while the row count stays the same.
    private Tensor Stage(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, int rows)
    {
        int width = ObservationSize + ActionSize;
        if (_staging is null || _stagingRows != rows)
        {
            _staging?.Dispose();
            _staging = empty(new long[] { rows, width }, ScalarType.Float32, CPU).DetachFromDisposeScope();
            _stagingRows = rows;
        }
        var host = MemoryMarshal.Cast<byte, float>(_staging.bytes);
        for (int i = 0; i < rows; i++)
        {
            var row = host.Slice(i * width, width);
            observations.Slice(i * ObservationSize, ObservationSize).CopyTo(row);
            actions.Slice(i * ActionSize, ActionSize).CopyTo(row[ObservationSize..]);
        }
        return Device.type == DeviceType.CPU ? _staging : _staging.to(Device);
    }

    private void CheckRows(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, int rows)
    {
        if (observations.Length != rows * ObservationSize)
            throw new ArgumentException($"observations has {observations.Length} values: expected {rows} rows × observation size {ObservationSize}", nameof(observations));
        if (actions.Length != rows * ActionSize)
            throw new ArgumentException($"actions has {actions.Length} values: expected {rows} rows × action size {ActionSize}", nameof(actions));
    }

    private static void CopyToHost(Tensor values, Span<float> destination) => RewardModel<Segment>.CopyToHost(values, destination);
}
