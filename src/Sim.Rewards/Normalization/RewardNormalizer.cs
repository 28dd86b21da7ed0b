using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Normalization;

/// <summary>Rescales a learned reward to a stable scale with a mean and standard deviation estimated on a sample of
/// recent inputs after each training round, so the policy's reward scale does not drift as the model is retrained.</summary>
/// <remarks>The statistics are fixed between fits (not running averages), so that every transition relabelled after a
/// round is scaled alike; they are saved with the model.</remarks>
public sealed class RewardNormalizer
{
    /// <summary>The smallest standard deviation divided by, so that a near-constant reward is not blown up.</summary>
    public const double MinimumStd = 1e-6;

    /// <summary>A normaliser of mode <paramref name="mode"/> with mean 0 and standard deviation 1 until fitted.</summary>
    public RewardNormalizer(RewardNormalization mode)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "expected None, Scale, Standardize or UnitMean");
        Mode = mode;
    }

    /// <summary>How rewards are rescaled.</summary>
    public RewardNormalization Mode { get; }

    /// <summary>Mean of the last fitted sample.</summary>
    public double Mean { get; private set; }

    /// <summary>Standard deviation (divisor n, at least <see cref="MinimumStd"/>) of the last fitted sample.</summary>
    public double Std { get; private set; } = 1;

    /// <summary>Samples the statistics were last fitted on (0 before the first fit).</summary>
    public long FittedCount { get; private set; }

    /// <summary>Estimates the statistics from every element of <paramref name="rewards"/>.</summary>
    public void Fit(Tensor rewards)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        long count = rewards.numel();
        if (count == 0) throw new ArgumentException("rewards is empty: expected at least one reward to fit the normaliser on", nameof(rewards));
        using var scope = NewDisposeScope();
        var values = rewards.detach().to_type(ScalarType.Float64).flatten();
        var mean = values.mean();
        var deviations = values - mean;
        var variance = deviations.pow(Two).mean();
        var host = stack(new[] { mean, variance }).cpu().data<double>().ToArray();
        Set(host[0], Math.Sqrt(host[1]), count);
    }

    /// <summary>Sets the statistics directly, e.g. from a saved model.</summary>
    public void Set(double mean, double std, long fittedCount)
    {
        if (!double.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, $"mean = {mean}: expected a finite mean");
        if (!(std >= 0 && double.IsFinite(std))) throw new ArgumentOutOfRangeException(nameof(std), std, $"std = {std}: expected a finite standard deviation ≥ 0");
        if (fittedCount < 0) throw new ArgumentOutOfRangeException(nameof(fittedCount), fittedCount, $"fittedCount = {fittedCount}: expected at least 0");
        Mean = mean;
        Std = Math.Max(std, MinimumStd);
        FittedCount = fittedCount;
    }

    /// <summary>The rescaled rewards: as is, r / std, (r − mean) / std, or (r − mean) / std + 1 by <see cref="Mode"/>.</summary>
    public Tensor Apply(Tensor rewards)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        switch (Mode)
        {
            case RewardNormalization.None:
                return rewards.alias();
            case RewardNormalization.Scale:
            {
                using var std = Std.ToScalar();
                return rewards.div(std);
            }
            case RewardNormalization.Standardize:
            {
                using var minusMean = (-Mean).ToScalar();
                using var std = Std.ToScalar();
                using var centred = rewards.add(minusMean, One);
                return centred.div(std);
            }
            default:
            {
                // (r − mean) / std + 1 = (r − (mean − std)) / std.
                using var shift = (Std - Mean).ToScalar();
                using var std = Std.ToScalar();
                using var shifted = rewards.add(shift, One);
                return shifted.div(std);
            }
        }
    }
}
