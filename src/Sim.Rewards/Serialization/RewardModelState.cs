using Sim.Rewards.Ensembles;

namespace Sim.Rewards.Serialization;

/// <summary>The JSON part of a saved reward model: its world's config (encoder, ensemble, aggregation, normalisation),
/// the normaliser's statistics, the L2 coefficients and the members' scales.</summary>
/// <remarks>The property names are those of the first robot model files, so those files still load; files written
/// before <see cref="MemberScales"/> was saved have none, and load with identity scales.</remarks>
public sealed record RewardModelState<TConfig>(
    TConfig Config,
    double NormalizerMean,
    double NormalizerStd,
    long NormalizerCount,
    double[] L2Coefficients,
    MemberScales? MemberScales = null);
