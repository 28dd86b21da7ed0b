using Sim.Foundation;
using Sim.Rewards.Losses;
using Sim.Rewards.Models;
using Sim.Rewards.Objectives;
using Sim.Torch.Optimizers;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Ensembles;

/// <summary>K reward encoders trained on the same examples, each on its own shuffle or bootstrap sample, whose
/// disagreement measures how unsure the reward model is. Shared by every kind of encoder (robot steps, token sequences)
/// and every objective (<see cref="IRewardObjective"/>: pairwise preference, pointwise classification, sequence sums,
/// with optional <see cref="IAuxiliaryObjective"/> terms).</summary>
/// <remarks>
/// <para>Each member has its own Adam optimizer, which persists across training rounds as in PEBBLE; a round trains
/// every member for up to <see cref="EnsembleConfig.MaxEpochs"/> epochs over its examples in minibatches of
/// <see cref="EnsembleConfig.BatchSize"/>, stopping early once the members' mean epoch accuracy reaches
/// <see cref="EnsembleConfig.StopAtAccuracy"/>.</para>
/// <para>Everything random (initial weights, bootstrap samples, shuffles, the validation split) follows from
/// <see cref="EnsembleConfig.Seed"/>, so two ensembles built and trained alike are identical. Not thread-safe.</para>
/// </remarks>
public sealed partial class RewardEnsemble : IDisposable
{
    /// <summary>Pairs per forward pass when evaluating, which bounds the memory of evaluation on large label sets.</summary>
    public const int EvaluationChunkPairs = 1024;

    // Christiano et al. keep validation loss within [1.1, 1.5]× training loss by scaling the L2 coefficient.
    private const double AdaptiveLowRatio = 1.1;
    private const double AdaptiveHighRatio = 1.5;
    private const double AdaptiveStep = 1.2;
    private const double AdaptiveMinimum = 1e-8;
    private const double AdaptiveMaximum = 10;

    private readonly RewardEncoder[] _members;
    private readonly Adam[] _optimizers;
    private readonly SimRandom[] _memberRandoms;
    private SimRandom _splitRandom;
    private readonly double[] _l2;
    private bool _disposed;

    /// <summary>Builds <see cref="EnsembleConfig.Members"/> encoders with <paramref name="createMember"/>, each drawing its
    /// initial weights from the same seeded CPU generator in turn, and moves them to <paramref name="device"/> (the CPU by default).</summary>
    public RewardEnsemble(EnsembleConfig config, Func<Generator, RewardEncoder> createMember, Device? device = null)
        : this(config, OfEveryMember(createMember), device)
    {
    }

    /// <summary>Builds <see cref="EnsembleConfig.Members"/> encoders with <paramref name="createMember"/>, called with each
    /// member's index in turn (members may differ in shape), each drawing its initial weights from the same seeded CPU
    /// generator, and moves them to <paramref name="device"/> (the CPU by default).</summary>
    public RewardEnsemble(EnsembleConfig config, Func<int, Generator, RewardEncoder> createMember, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(createMember);
        config.Validate();
        Config = config;
        Device = device ?? CPU;
        int k = config.Members;
        _members = new RewardEncoder[k];
        _optimizers = new Adam[k];
        _memberRandoms = new SimRandom[k];
        _l2 = new double[k];
        using var generator = new Generator(config.Seed, CPU);
        for (int m = 0; m < k; m++)
        {
            var member = createMember(m, generator) ?? throw new InvalidOperationException($"createMember returned null for member {m}: expected a new encoder");
            if (Array.IndexOf(_members, member, 0, m) >= 0)
                throw new InvalidOperationException($"createMember returned the same encoder for members {Array.IndexOf(_members, member, 0, m)} and {m}: expected a new encoder per member");
            member.to(Device);
            _members[m] = member;
            _l2[m] = config.Regularization == L2Regularization.None ? 0 : config.L2Coefficient;
            _optimizers[m] = new Adam(member.parameters(), lr: config.LearningRate, weightDecay: _l2[m]);
            _memberRandoms[m] = new SimRandom(SeedDerivation.Derive(config.Seed, (ulong)m + 1));
        }
        _splitRandom = new SimRandom(SeedDerivation.Derive(config.Seed, 0));
    }

    /// <summary>A member factory that ignores the index: every member is built alike.</summary>
    internal static Func<int, Generator, RewardEncoder> OfEveryMember(Func<Generator, RewardEncoder> createMember)
    {
        ArgumentNullException.ThrowIfNull(createMember);
        return (_, generator) => createMember(generator);
    }

    /// <summary>How the ensemble is built and trained.</summary>
    public EnsembleConfig Config { get; }

    /// <summary>Where the members' weights live.</summary>
    public Device Device { get; }

    /// <summary>Members K.</summary>
    public int MemberCount => _members.Length;

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<RewardEncoder> Members => _members;

    /// <summary>Each member's current L2 coefficient (0 without regularisation).</summary>
    public IReadOnlyList<double> L2Coefficients => _l2;

    /// <summary>Trains every member for one round on the pairwise preference objective of <see cref="EnsembleConfig.Loss"/>
    /// over <paramref name="data"/>, and reports loss and accuracy, on <paramref name="heldOut"/> too when given.</summary>
    /// <exception cref="InvalidOperationException">When <paramref name="data"/> has no trainable pair.</exception>
    public RewardTrainingReport Train(PreferenceDataset data, PreferenceDataset? heldOut = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new InvalidOperationException(PreferenceTargets.NoTrainableLabelsMessage(data.GivenPairs));
        return Train(new PairwisePreferenceObjective(data, Config.Loss), heldOut is null ? null : new PairwisePreferenceObjective(heldOut, Config.Loss));
    }

    /// <summary>Trains every member for one round on <paramref name="objective"/>, plus the <paramref name="auxiliary"/>
    /// terms on every minibatch, and reports the objective's loss and accuracy, on <paramref name="heldOut"/> too when given.</summary>
    /// <exception cref="InvalidOperationException">When <paramref name="objective"/> has no examples.</exception>
    public RewardTrainingReport Train(IRewardObjective objective, IRewardObjective? heldOut = null, IReadOnlyList<IAuxiliaryObjective>? auxiliary = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(objective);
        if (objective.Count == 0) throw new InvalidOperationException($"the {objective.Name} objective has no examples: give at least one to train on");
        auxiliary ??= [];
        foreach (var term in auxiliary)
        {
            ArgumentNullException.ThrowIfNull(term, nameof(auxiliary));
            if (!(term.Weight >= 0 && double.IsFinite(term.Weight)))
                throw new ArgumentOutOfRangeException(nameof(auxiliary), term.Weight, $"auxiliary term '{term.Name}' has weight {term.Weight}: expected a finite weight ≥ 0");
        }
        var data = objective;
        int n = data.Count;
        int[] trainIndices;
        int[] validationIndices;
        bool adaptive = Config.Regularization == L2Regularization.Adaptive && n >= 2;
        if (adaptive)
        {
            var order = Enumerable.Range(0, n).ToArray();
            _splitRandom.Shuffle<int>(order);
            int validationCount = Math.Clamp((int)Math.Round(n / Math.E), 1, n - 1);
            validationIndices = order[..validationCount];
            trainIndices = order[validationCount..];
        }
        else
        {
            trainIndices = Enumerable.Range(0, n).ToArray();
            validationIndices = [];
        }

        var pools = new int[MemberCount][];
        for (int m = 0; m < MemberCount; m++)
        {
            pools[m] = Config.Sampling == MemberSampling.Bootstrap
                ? Enumerable.Range(0, trainIndices.Length).Select(_ => trainIndices[_memberRandoms[m].NextInt(trainIndices.Length)]).ToArray()
                : (int[])trainIndices.Clone();
        }

        int epochs = 0;
        double validationLoss = double.NaN;
        for (int epoch = 0; epoch < Config.MaxEpochs; epoch++)
        {
            epochs++;
            double accuracySum = 0;
            for (int m = 0; m < MemberCount; m++)
            {
                var (loss, accuracy) = TrainEpoch(m, data, pools[m], auxiliary);
                accuracySum += accuracy;
                if (adaptive)
                {
                    var (memberValidation, _) = EvaluateMember(m, data, validationIndices);
                    AdaptL2(m, loss, memberValidation);
                }
            }
            if (Config.StopAtAccuracy is double stop && accuracySum / MemberCount >= stop) break;
        }

        var (trainLoss, trainAccuracy) = Evaluate(data, trainIndices);
        if (adaptive) validationLoss = Evaluate(data, validationIndices).Loss;
        (double Loss, double Accuracy)? held = heldOut is null || heldOut.Count == 0 ? null : Evaluate(heldOut);
        return new RewardTrainingReport(
            n, epochs, trainLoss, trainAccuracy,
            adaptive ? validationLoss : null,
            held?.Loss, held?.Accuracy,
            (double[])_l2.Clone());
    }

    /// <summary>Loss and accuracy of the pairwise preference objective on every pair of <paramref name="data"/>, averaged over the members.</summary>
    public (double Loss, double Accuracy) Evaluate(PreferenceDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(new PairwisePreferenceObjective(data, Config.Loss));
    }

    /// <summary>Loss and accuracy of <paramref name="objective"/> on all its examples, averaged over the members.</summary>
    public (double Loss, double Accuracy) Evaluate(IRewardObjective objective)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(objective);
        return Evaluate(objective, Enumerable.Range(0, objective.Count).ToArray());
    }

    /// <summary>Every member's score of every item, <c>[K, batch]</c> (per-position outputs summed over the real
    /// positions), without gradients; the tensor belongs to the caller's scope.</summary>
    public Tensor Score(ItemBatch items)
    {
        using var scope = NewDisposeScope();
        var outputs = Outputs(items);
        var mask = items.Mask;
        var scores = new Tensor[MemberCount];
        for (int m = 0; m < MemberCount; m++) scores[m] = ItemScores.Total(outputs[m], mask);
        return stack(scores).MoveToOuterDisposeScope();
    }

    /// <summary>Every member's raw output for every item, without gradients: <c>[K, batch]</c> for encoders that score
    /// items, <c>[K, batch, len]</c> for encoders that score positions. The tensor belongs to the caller's scope.</summary>
    public Tensor Outputs(ItemBatch items)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var outputs = new Tensor[MemberCount];
        for (int m = 0; m < MemberCount; m++) outputs[m] = _members[m].forward(items.Inputs, items.Mask);
        return stack(outputs).MoveToOuterDisposeScope();
    }

    /// <summary>Every member's P̂(left ≻ right) = σ(s_left − s_right) per pair, <c>[K, pairs]</c>, without gradients.</summary>
    public Tensor PreferenceProbabilities(ItemBatch left, ItemBatch right)
    {
        using var scope = NewDisposeScope();
        var leftScores = Score(left);
        var rightScores = Score(right);
        return BradleyTerryLoss.Probability(leftScores, rightScores).MoveToOuterDisposeScope();
    }

    /// <summary>Sets the members' L2 coefficients, e.g. from a saved model, so that adaptive regularisation resumes where it was.</summary>
    public void SetL2Coefficients(IReadOnlyList<double> coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (coefficients.Count != MemberCount)
            throw new ArgumentException($"{coefficients.Count} L2 coefficients: expected one per member ({MemberCount})", nameof(coefficients));
        for (int m = 0; m < MemberCount; m++)
        {
            if (!(coefficients[m] >= 0 && double.IsFinite(coefficients[m])))
                throw new ArgumentOutOfRangeException(nameof(coefficients), coefficients[m], $"coefficients[{m}] = {coefficients[m]}: expected a finite coefficient ≥ 0");
            SetL2(m, coefficients[m]);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var optimizer in _optimizers) optimizer.Dispose();
        foreach (var member in _members) member.Dispose();
    }

    // ---------------------------------------------------------------- training

    private (double Loss, double Accuracy) TrainEpoch(int m, IRewardObjective data, int[] pool, IReadOnlyList<IAuxiliaryObjective> auxiliary)
    {
        _memberRandoms[m].Shuffle<int>(pool);
        var member = _members[m];
        var optimizer = _optimizers[m];
        using var totals = zeros(3, device: Device);
        for (int start = 0; start < pool.Length; start += Config.BatchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(Config.BatchSize, pool.Length - start);
            var indices = IndexTensor(pool.AsSpan(start, size));
            var terms = data.Terms(member, indices);
            var loss = terms.Losses.mean();
            foreach (var term in auxiliary)
            {
                using var weight = term.Weight.ToScalar();
                loss = loss.add(term.Loss(member, m, size, ref _memberRandoms[m]), weight);
            }
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            using var noGrad = no_grad();
            var batchTotals = stack(new[] { terms.Losses.detach().sum(), terms.Correct.sum(), terms.Counted.sum() });
            totals.add_(batchTotals, One);
        }
        var host = ToHost(totals);
        return (host[0] / pool.Length, host[1] / host[2]);
    }

    private void AdaptL2(int m, double trainLoss, double validationLoss)
    {
        if (!double.IsFinite(trainLoss) || !double.IsFinite(validationLoss)) return;
        double coefficient = _l2[m];
        if (validationLoss > AdaptiveHighRatio * trainLoss) coefficient *= AdaptiveStep;
        else if (validationLoss < AdaptiveLowRatio * trainLoss) coefficient /= AdaptiveStep;
        SetL2(m, Math.Clamp(coefficient, AdaptiveMinimum, AdaptiveMaximum));
    }

    private void SetL2(int m, double coefficient)
    {
        _l2[m] = coefficient;
        foreach (var group in _optimizers[m].ParamGroups)
            ((TorchSharp.Modules.Adam.ParamGroup)group).Options.weight_decay = coefficient;
    }

    // ---------------------------------------------------------------- evaluation

    private (double Loss, double Accuracy) Evaluate(IRewardObjective data, int[] indices)
    {
        double loss = 0, accuracy = 0;
        for (int m = 0; m < MemberCount; m++)
        {
            var (memberLoss, memberAccuracy) = EvaluateMember(m, data, indices);
            loss += memberLoss;
            accuracy += memberAccuracy;
        }
        return (loss / MemberCount, accuracy / MemberCount);
    }

    private (double Loss, double Accuracy) EvaluateMember(int m, IRewardObjective data, int[] indices)
    {
        if (indices.Length == 0) return (double.NaN, double.NaN);
        var member = _members[m];
        using var noGrad = no_grad();
        using var totals = zeros(3, device: Device);
        for (int start = 0; start < indices.Length; start += EvaluationChunkPairs)
        {
            using var scope = NewDisposeScope();
            var chunk = IndexTensor(indices.AsSpan(start, Math.Min(EvaluationChunkPairs, indices.Length - start)));
            var terms = data.Terms(member, chunk);
            totals.add_(stack(new[] { terms.Losses.sum(), terms.Correct.sum(), terms.Counted.sum() }), One);
        }
        var host = ToHost(totals);
        return (host[0] / indices.Length, host[1] / host[2]);
    }

    // ---------------------------------------------------------------- helpers

    private Tensor IndexTensor(ReadOnlySpan<int> indices)
    {
        var values = new long[indices.Length];
        for (int i = 0; i < values.Length; i++) values[i] = indices[i];
        return tensor(values).to(Device);
    }

    private static double[] ToHost(Tensor values)
    {
        using var scope = NewDisposeScope();
        return values.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
    }
}
