using Sim.Rewards.Losses;

namespace Sim.Rewards.Ensembles;

/// <summary>How a <see cref="RewardEnsemble"/> is built and trained; the defaults are PEBBLE's.</summary>
public sealed record EnsembleConfig
{
    /// <summary>Ensemble members K.</summary>
    public int Members { get; init; } = 3;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Pairs per minibatch.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Most epochs per training round.</summary>
    public int MaxEpochs { get; init; } = 200;

    /// <summary>A round stops early once the members' mean training accuracy over an epoch reaches this (PEBBLE: 0.97);
    /// null trains every round for <see cref="MaxEpochs"/>.</summary>
    public double? StopAtAccuracy { get; init; } = 0.97;

    /// <summary>How each member draws its training pairs.</summary>
    public MemberSampling Sampling { get; init; } = MemberSampling.Shuffle;

    /// <summary>How weights are regularised.</summary>
    public L2Regularization Regularization { get; init; } = L2Regularization.None;

    /// <summary>The L2 coefficient of <see cref="L2Regularization.WeightDecay"/>, and the starting one of <see cref="L2Regularization.Adaptive"/>.</summary>
    public double L2Coefficient { get; init; } = 1e-4;

    /// <summary>The preference loss.</summary>
    public PreferenceLossOptions Loss { get; init; } = PreferenceLossOptions.Plain;

    /// <summary>Seed of the initial weights, the bootstrap samples, the shuffles and the validation split.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (Members < 1) throw new ArgumentOutOfRangeException(nameof(Members), Members, $"Members = {Members}: expected at least 1");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"LearningRate = {LearningRate}: expected a finite rate > 0");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"BatchSize = {BatchSize}: expected at least 1");
        if (MaxEpochs < 1) throw new ArgumentOutOfRangeException(nameof(MaxEpochs), MaxEpochs, $"MaxEpochs = {MaxEpochs}: expected at least 1");
        if (StopAtAccuracy is double stop && !(stop > 0 && stop <= 1)) throw new ArgumentOutOfRangeException(nameof(StopAtAccuracy), stop, $"StopAtAccuracy = {stop}: expected an accuracy in (0, 1], or null");
        if (!Enum.IsDefined(Sampling)) throw new ArgumentOutOfRangeException(nameof(Sampling), Sampling, "expected Shuffle or Bootstrap");
        if (!Enum.IsDefined(Regularization)) throw new ArgumentOutOfRangeException(nameof(Regularization), Regularization, "expected None, WeightDecay or Adaptive");
        if (!(L2Coefficient >= 0 && double.IsFinite(L2Coefficient))) throw new ArgumentOutOfRangeException(nameof(L2Coefficient), L2Coefficient, $"L2Coefficient = {L2Coefficient}: expected a finite coefficient ≥ 0");
        if (Regularization == L2Regularization.Adaptive && L2Coefficient == 0)
            throw new ArgumentOutOfRangeException(nameof(L2Coefficient), L2Coefficient, "L2Coefficient = 0 with Adaptive regularization: expected a starting coefficient > 0 (it is scaled up and down by factors)");
        ArgumentNullException.ThrowIfNull(Loss);
        Loss.Validate();
    }
}
