using Sim.Rewards.Ensembles;
using Sim.Rewards.Normalization;
using Sim.Rewards.Robot.Dynamics;

namespace Sim.Rewards.Robot;

/// <summary>Everything that defines a <see cref="RobotRewardModel"/>; <see cref="Pebble"/> gives PEBBLE's settings.</summary>
public sealed record RobotRewardModelConfig
{
    /// <summary>The step network of every member.</summary>
    public required StepEncoderConfig Encoder { get; init; }

    /// <summary>When set, every member is REED's <see cref="DynamicsRewardEncoder"/> (state and action encoders of these
    /// sizes under a trunk shaped by <see cref="Encoder"/>), whose encoders can learn the dynamics; null for PEBBLE's plain
    /// step network.</summary>
    public DynamicsEncoderConfig? Dynamics { get; init; }

    /// <summary>Ensemble size and training.</summary>
    public EnsembleConfig Ensemble { get; init; } = new();

    /// <summary>How member step rewards combine into the reward the policy sees.</summary>
    public Aggregation Aggregation { get; init; } = Aggregation.Mean;

    /// <summary>How that reward is rescaled; refitted after every training round.</summary>
    public RewardNormalization Normalization { get; init; } = RewardNormalization.Standardize;

    /// <summary>PEBBLE: 3 members of (obs‖act) → 3×[Linear 256 + LeakyReLU] → Linear 1 → tanh, Adam 3e-4, batch 128.</summary>
    public static RobotRewardModelConfig Pebble(int observationSize, int actionSize, ulong seed = 0) => new()
    {
        Encoder = new StepEncoderConfig(observationSize, actionSize),
        Ensemble = new EnsembleConfig { Seed = seed },
    };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentNullException"/> naming the first bad field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Encoder);
        ArgumentNullException.ThrowIfNull(Ensemble);
        ArgumentNullException.ThrowIfNull(Aggregation);
        Encoder.Validate();
        if (Dynamics is not null) DynamicsRewardEncoder.Validate(Encoder, Dynamics);
        Ensemble.Validate();
        Aggregation.Validate(Ensemble.Members);
        if (!Enum.IsDefined(Normalization)) throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, "expected None, Scale, Standardize or UnitMean");
    }
}
