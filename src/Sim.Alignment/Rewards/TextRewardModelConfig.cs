using Sim.Alignment.Model;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Normalization;

namespace Sim.Alignment.Rewards;

/// <summary>What a text reward model file records beside the weights: the encoder's shape, the ensemble, how members are
/// combined and normalised, and the identity of the tokenizer its inputs were encoded with.</summary>
public sealed record TextRewardModelConfig(
    TransformerConfig Model,
    EnsembleConfig Ensemble,
    Aggregation Aggregation,
    RewardNormalization Normalization,
    string TokenizerIdentity);
