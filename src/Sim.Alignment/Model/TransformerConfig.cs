namespace Sim.Alignment.Model;

/// <summary>The shape of a <see cref="CausalTransformer"/>: GPT-2's layout at a size a CPU trains in minutes.</summary>
public sealed record TransformerConfig
{
    /// <summary>Token ids the model reads and predicts (the tokenizer's vocabulary size).</summary>
    public int VocabularySize { get; init; }

    /// <summary>Longest sequence, BOS and EOS included.</summary>
    public int ContextLength { get; init; } = 128;

    /// <summary>Width of the residual stream (GPT-2 small: 768).</summary>
    public int Width { get; init; } = 128;

    /// <summary>Transformer blocks (GPT-2 small: 12).</summary>
    public int Layers { get; init; } = 4;

    /// <summary>Attention heads per block; <see cref="Width"/> must divide into them with an even head width, for RoPE.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Hidden width of each block's MLP, as a multiple of <see cref="Width"/> (GPT-2: 4).</summary>
    public int MlpRatio { get; init; } = 4;

    /// <summary>θ of the rotary position embedding (RoFormer: 10,000).</summary>
    public double RopeBase { get; init; } = 10_000;

    /// <summary>Width of one attention head.</summary>
    public int HeadWidth => Width / Heads;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (VocabularySize < 4) throw new ArgumentOutOfRangeException(nameof(VocabularySize), VocabularySize, $"VocabularySize = {VocabularySize}: expected at least 4 (3 special tokens and one more)");
        if (ContextLength < 2) throw new ArgumentOutOfRangeException(nameof(ContextLength), ContextLength, $"ContextLength = {ContextLength}: expected at least 2 tokens");
        if (Layers < 1) throw new ArgumentOutOfRangeException(nameof(Layers), Layers, $"Layers = {Layers}: expected at least 1");
        if (Heads < 1) throw new ArgumentOutOfRangeException(nameof(Heads), Heads, $"Heads = {Heads}: expected at least 1");
        if (Width < 2 || Width % Heads != 0 || HeadWidth % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(Width), Width, $"Width = {Width} with {Heads} heads: expected a width that splits into heads of even width");
        if (MlpRatio < 1) throw new ArgumentOutOfRangeException(nameof(MlpRatio), MlpRatio, $"MlpRatio = {MlpRatio}: expected at least 1");
        if (!(RopeBase > 1 && double.IsFinite(RopeBase))) throw new ArgumentOutOfRangeException(nameof(RopeBase), RopeBase, $"RopeBase = {RopeBase}: expected a finite θ > 1");
    }
}
