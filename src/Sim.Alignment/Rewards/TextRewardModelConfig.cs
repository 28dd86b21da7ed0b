using Sim.Alignment.Model;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Normalization;

namespace Sim.Alignment.Rewards;

/// <summary>What a text reward model file records beside the weights: the encoder's shape, the ensemble, how members are
/// combined and normalised, and the identity of the tokenizer its inputs were encoded with.</summary>
/// <param name="Model">Every member's transformer, unless <paramref name="MemberModels"/> gives each its own.</param>
/// <param name="MemberModels">One transformer per member, in member order, for an ensemble whose members differ in
/// architecture; null when all are <paramref name="Model"/>. Each must read the same vocabulary and context as
/// <paramref name="Model"/>, which the collator packs for.</param>
public sealed record TextRewardModelConfig(
    TransformerConfig Model,
    EnsembleConfig Ensemble,
    Aggregation Aggregation,
    RewardNormalization Normalization,
    string TokenizerIdentity,
    IReadOnlyList<TransformerConfig>? MemberModels = null)
{
    /// <summary>The transformer of member <paramref name="member"/>.</summary>
    public TransformerConfig MemberModel(int member) => MemberModels is null ? Model : MemberModels[member];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first shape that cannot be built.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model, nameof(Model));
        ArgumentNullException.ThrowIfNull(Ensemble, nameof(Ensemble));
        Model.Validate();
        if (MemberModels is null) return;
        if (MemberModels.Count != Ensemble.Members)
            throw new ArgumentException($"{nameof(MemberModels)} holds {MemberModels.Count} shapes: expected one per ensemble member ({Ensemble.Members})", nameof(MemberModels));
        for (int m = 0; m < MemberModels.Count; m++)
        {
            var shape = MemberModels[m] ?? throw new ArgumentException($"{nameof(MemberModels)}[{m}] is null: expected a transformer shape", nameof(MemberModels));
            shape.Validate();
            if (shape.VocabularySize != Model.VocabularySize || shape.ContextLength != Model.ContextLength)
                throw new ArgumentException(
                    $"{nameof(MemberModels)}[{m}] reads {shape.VocabularySize} ids and {shape.ContextLength} tokens: expected the model's {Model.VocabularySize} ids and {Model.ContextLength} tokens",
                    nameof(MemberModels));
        }
    }
}
