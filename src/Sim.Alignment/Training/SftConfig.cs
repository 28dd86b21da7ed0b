using Sim.Alignment.Model;

namespace Sim.Alignment.Training;

/// <summary>Supervised fine-tuning on prompt–completion pairs (TRL's <c>SFTConfig</c>), with the loss on completion
/// tokens only (TRL's <c>completion_only_loss</c>).</summary>
public sealed record SftConfig : AlignmentConfig
{
    /// <summary>The model to train from scratch; its vocabulary size is set from the tokenizer. Ignored with <see cref="InitFrom"/>.</summary>
    public TransformerConfig Model { get; init; } = new();

    /// <summary>A <c>model.bin</c> to continue from instead of fresh weights (it must share the run's tokenizer), or null.</summary>
    public string? InitFrom { get; init; }

    /// <summary>Ids of the BPE tokenizer learned from the training data when the run starts from scratch.</summary>
    public int TokenizerVocabulary { get; init; } = 512;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        ArgumentNullException.ThrowIfNull(Model);
        if (TokenizerVocabulary < Tokenization.BpeTokenizer.FirstMergeId)
            throw new ArgumentOutOfRangeException(nameof(TokenizerVocabulary), TokenizerVocabulary, $"TokenizerVocabulary = {TokenizerVocabulary}: expected at least {Tokenization.BpeTokenizer.FirstMergeId} (specials and bytes)");
    }
}
