using Sim.Rewards.Normalization;

namespace Sim.Labeling;

/// <summary>How <see cref="OfflineRewardTrainer"/> trains a reward model from stored labels; the defaults are those of a
/// preference run (<c>sim train --reward preference</c>), so the file it writes is the one such a run would write.</summary>
public sealed record OfflineRewardOptions
{
    /// <summary>Most epochs; training stops earlier once the members' training accuracy reaches PEBBLE's 0.97.</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Ensemble members.</summary>
    public int EnsembleMembers { get; init; } = 3;

    /// <summary>Seed of the held-out split, the initial weights and the shuffles.</summary>
    public ulong Seed { get; init; }

    /// <summary>Share of the answered pairs held out to measure accuracy on (never trained on); 0 trains on all.</summary>
    public double HeldOutFraction { get; init; } = 0.2;

    /// <summary>Whether step rewards are squashed by tanh (a preference run's default: no).</summary>
    public bool TanhOutput { get; init; }

    /// <summary>How the learned reward is rescaled (a preference run's default: unit mean).</summary>
    public RewardNormalization Normalization { get; init; } = RewardNormalization.UnitMean;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"--epochs = {Epochs}: expected at least 1");
        if (EnsembleMembers < 1) throw new ArgumentOutOfRangeException(nameof(EnsembleMembers), EnsembleMembers, $"--ensemble = {EnsembleMembers}: expected at least 1 member");
        if (!(HeldOutFraction >= 0 && HeldOutFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(HeldOutFraction), HeldOutFraction, $"--held-out = {HeldOutFraction}: expected a share in [0, 1)");
        if (!Enum.IsDefined(Normalization)) throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, "expected None, Scale, Standardize or UnitMean");
    }
}
