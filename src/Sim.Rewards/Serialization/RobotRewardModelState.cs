using Sim.Rewards.Models;

namespace Sim.Rewards.Serialization;

/// <summary>The JSON part of a saved <see cref="RobotRewardModel"/>: its config, normaliser statistics and L2 coefficients.</summary>
internal sealed record RobotRewardModelState(
    RobotRewardModelConfig Config,
    double NormalizerMean,
    double NormalizerStd,
    long NormalizerCount,
    double[] L2Coefficients);
