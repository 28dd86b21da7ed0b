namespace Sim.Rewards.Serialization;

/// <summary>The JSON part of a saved reward model: its world's config (encoder, ensemble, aggregation, normalisation),
/// the normaliser's statistics and the L2 coefficients.</summary>
/// <remarks>The property names are those of the first robot model files, so those files still load.</remarks>
public sealed record RewardModelState<TConfig>(
    TConfig Config,
    double NormalizerMean,
    double NormalizerStd,
    long NormalizerCount,
    double[] L2Coefficients);
