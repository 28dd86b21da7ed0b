namespace Sim.Alignment.Model;

/// <summary>What a <see cref="LanguageModelFile"/> records besides the weights.</summary>
/// <param name="Config">The model's shape.</param>
/// <param name="TokenizerIdentity">The <see cref="BpeTokenizer.Identity"/> of the tokenizer it was trained with.</param>
public sealed record LanguageModelHeader(TransformerConfig Config, string TokenizerIdentity);
