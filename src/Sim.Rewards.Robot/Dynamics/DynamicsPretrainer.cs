using System.Diagnostics;
using Sim.Core;
using Sim.Foundation;
using Sim.Rewards.Models;
using Sim.Torch.Optimizers;
using TorchSharp;
using OptimizerHelper = TorchSharp.Modules.OptimizerHelper;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot.Dynamics;

/// <summary>REED's auxiliary phase: one <see cref="DynamicsRewardEncoder"/> with its own Adam optimizer learns next-state
/// consistency on every transition seen so far, and its encoders are then copied into every reward-ensemble member,
/// which go on to learn the preferences from there.</summary>
/// <remarks>
/// <para>The network and its optimizer persist from phase to phase, as in REED, so each phase continues from what the
/// last one learned. A phase draws a new 80/20 split of the transitions, trains on the 80 for up to
/// <see cref="DynamicsPretrainingOptions.Epochs"/> epochs and stops once the loss on the 20 has not improved for
/// <see cref="DynamicsPretrainingOptions.Patience"/> epochs.</para>
/// <para>The initial weights, splits and shuffles follow from the seed, and the random stream is saved with
/// <see cref="SaveState"/>, so a resumed run trains exactly as the original. Not thread-safe.</para>
/// </remarks>
public sealed class DynamicsPretrainer : IDisposable
{
    /// <summary>Fewest transitions a phase trains on: one to validate on and a pair to contrast.</summary>
    public const int MinimumTransitions = 3;

    private const int StateVersion = 1;
    // A validation loss must beat the best by this much to count as an improvement, so rounding noise does not reset patience.
    private const double MinimumImprovement = 1e-6;

    private readonly Adam _optimizer;
    private SimRandom _random;
    private bool _disposed;

    /// <summary>Builds the network for steps shaped by <paramref name="trunk"/> on <paramref name="device"/> (the CPU by default),
    /// its initial weights and random stream derived from <paramref name="seed"/>.</summary>
    public DynamicsPretrainer(DynamicsPretrainingOptions options, StepEncoderConfig trunk, ulong seed, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        DynamicsRewardEncoder.Validate(trunk, options.Encoder);
        Options = options;
        Device = device ?? CPU;
        using (var generator = new Generator(SeedDerivation.Derive(seed, "dynamics-weights"), CPU))
            Encoder = new DynamicsRewardEncoder(trunk, options.Encoder, generator);
        Encoder.to(Device);
        // The reward head gets no gradient from this objective, and Adam passes over parameters without one.
        _optimizer = new Adam(Encoder.parameters(), lr: options.LearningRate);
        _random = new SimRandom(SeedDerivation.Derive(seed, "dynamics-batches"));
    }

    /// <summary>The schedule and objective.</summary>
    public DynamicsPretrainingOptions Options { get; }

    /// <summary>Where the network lives.</summary>
    public Device Device { get; }

    /// <summary>The network trained on the dynamics; its encoders are what <see cref="CopyEncodersInto"/> copies.</summary>
    public DynamicsRewardEncoder Encoder { get; }

    /// <summary>The network's optimizer, for saving and restoring with it.</summary>
    public OptimizerHelper Optimizer => _optimizer;

    /// <summary>Runs one phase on every transition <paramref name="source"/> holds now; null (and nothing trained) while it
    /// holds fewer than <see cref="MinimumTransitions"/>.</summary>
    public DynamicsPretrainingReport? Train(ITransitionSource source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(source);
        if (source.ObservationSize != Encoder.TrunkConfig.ObservationSize || source.ActionSize != Encoder.TrunkConfig.ActionSize)
            throw new ArgumentException(
                $"transitions of {source.ObservationSize} observation and {source.ActionSize} action floats: expected {Encoder.TrunkConfig.ObservationSize} and {Encoder.TrunkConfig.ActionSize}, the network's",
                nameof(source));
        if (source.TransitionCount < MinimumTransitions) return null;
        long start = Stopwatch.GetTimestamp();
        using var data = TransitionTensors.From(source, Device);
        Encoder.Standardizer?.Fit(data.States);
        var objective = new DynamicsConsistencyObjective(data, Options.Objective, Options.Temperature);
        int n = data.Count;
        var order = Enumerable.Range(0, n).ToArray();
        _random.Shuffle<int>(order);
        int validationCount = Math.Clamp((int)Math.Round(n * Options.ValidationFraction), 1, n - 2);
        var validation = order[..validationCount];
        var train = order[validationCount..];

        double initial = Evaluate(objective, validation);
        double best = initial, validationLoss = initial, trainLoss = double.NaN;
        int epochs = 0, sinceBest = 0;
        while (epochs < Options.Epochs)
        {
            epochs++;
            trainLoss = TrainEpoch(objective, train);
            validationLoss = Evaluate(objective, validation);
            if (validationLoss < best - MinimumImprovement)
            {
                best = validationLoss;
                sinceBest = 0;
            }
            else if (++sinceBest >= Options.Patience) break;
        }
        double spread = TargetSpread(data, validation);
        return new DynamicsPretrainingReport(n, epochs, initial, trainLoss, validationLoss, spread, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>Copies the trained encoders (f_s, f_a, trunk) into every member, each a <see cref="DynamicsRewardEncoder"/>.</summary>
    public void CopyEncodersInto(IEnumerable<RewardEncoder> members)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(members);
        int index = 0;
        foreach (var member in members)
        {
            var network = member as DynamicsRewardEncoder
                ?? throw new ArgumentException($"member {index} is a {member?.GetType().Name ?? "null"}: expected a {nameof(DynamicsRewardEncoder)} to copy the dynamics encoders into", nameof(members));
            network.CopyEncodersFrom(Encoder);
            index++;
        }
    }

    /// <summary>Writes the random stream, which with <see cref="Encoder"/> and <see cref="Optimizer"/> makes the next phase
    /// after <see cref="LoadState"/> identical to the one this pretrainer would run.</summary>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateVersion);
        writer.WriteRandom(_random);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    /// <exception cref="InvalidDataException">When the state is of another version, or corrupt.</exception>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        reader.ExpectInt32(StateVersion, "dynamics pretrainer state version");
        _random = reader.ReadRandom("dynamics pretrainer random state");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _optimizer.Dispose();
        Encoder.Dispose();
    }

    private double TrainEpoch(DynamicsConsistencyObjective objective, int[] train)
    {
        _random.Shuffle<int>(train);
        using var total = zeros(1, device: Device);
        int batches = 0;
        for (int start = 0; start < train.Length; start += Options.BatchSize)
        {
            int size = Math.Min(Options.BatchSize, train.Length - start);
            // A last batch of one has nothing to contrast with; its transition comes round again next epoch.
            if (size < 2) break;
            using var scope = NewDisposeScope();
            var loss = objective.Loss(Encoder, Indices(train.AsSpan(start, size)));
            _optimizer.zero_grad();
            loss.backward();
            _optimizer.step();
            total.add_(loss.detach(), One);
            batches++;
        }
        return total.item<float>() / batches;
    }

    // The loss in chunks of one minibatch, so that InfoNCE sees as many negatives as in training; weighted by chunk size.
    private double Evaluate(DynamicsConsistencyObjective objective, int[] indices)
    {
        using var noGrad = no_grad();
        using var total = zeros(1, dtype: ScalarType.Float64, device: Device);
        for (int start = 0; start < indices.Length; start += Options.BatchSize)
        {
            int size = Math.Min(Options.BatchSize, indices.Length - start);
            using var scope = NewDisposeScope();
            using var weight = ((double)size).ToScalar();
            total.add_(objective.Loss(Encoder, Indices(indices.AsSpan(start, size))).to_type(ScalarType.Float64), weight);
        }
        return total.item<double>() / indices.Length;
    }

    // SimSiam's collapse monitor: the per-dimension standard deviation of the unit-length targets z′/‖z′‖, averaged over
    // dimensions and scaled by √d, is about 1 for directions spread like random ones and 0 when every state maps to one
    // direction, which makes −cos(p, z′) trivially −1 and the encoders useless to the reward.
    private double TargetSpread(TransitionTensors data, int[] indices)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var targets = Encoder.ProjectTarget(data.NextStates.index_select(0, Indices(indices)));
        var unit = nn.functional.normalize(targets, p: 2, dim: 1);
        double perDimension = unit.std(0).mean().item<float>();
        return indices.Length < 2 ? double.NaN : perDimension * Math.Sqrt(targets.shape[1]);
    }

    private Tensor Indices(ReadOnlySpan<int> indices)
    {
        var values = new long[indices.Length];
        for (int i = 0; i < values.Length; i++) values[i] = indices[i];
        return tensor(values).to(Device);
    }
}
