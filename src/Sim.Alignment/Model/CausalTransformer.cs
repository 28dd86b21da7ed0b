using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>A small GPT: token embedding, pre-LN blocks with rotary positions, a final LayerNorm and an output layer tied
/// to the embedding (the same matrix maps tokens in and hidden states out).</summary>
/// <remarks>Right-padded batches need no attention mask: attention is causal, so real tokens never see the padding after
/// them. Left-padded batches (sampling from prompts of different lengths) pass a key mask and per-row positions.</remarks>
public sealed class CausalTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _embedding;
    private readonly ModuleList<TransformerBlock> _blocks;
    private readonly LayerNorm _finalNorm;

    /// <summary>A model of <paramref name="config"/> with GPT-2's initialisation (normal, σ = 0.02; residual output
    /// layers scaled by 1/√(2·layers)) drawn from <paramref name="generator"/>, so that a seed fixes every weight.</summary>
    public CausalTransformer(TransformerConfig config, Generator generator) : base(nameof(CausalTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(generator);
        config.Validate();
        Config = config;
        _embedding = nn.Embedding(config.VocabularySize, config.Width);
        _blocks = new ModuleList<TransformerBlock>();
        for (int i = 0; i < config.Layers; i++) _blocks.Add(new TransformerBlock(config));
        _finalNorm = nn.LayerNorm(config.Width);
        RegisterComponents();
        Initialize(generator);
    }

    /// <summary>The model's shape.</summary>
    public TransformerConfig Config { get; }

    /// <summary>Next-token logits at every position of a whole right-padded (or unpadded) batch, <c>[batch, len, vocabulary]</c>.</summary>
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        return Logits(Hidden(ids, PositionsFrom(ids, 0), null, null)).MoveToOuterDisposeScope();
    }

    /// <summary>Next-token logits for the new tokens <paramref name="ids"/> (<c>[batch, len]</c>) at
    /// <paramref name="positions"/>, attending to <paramref name="cache"/> (which they are appended to) when given.</summary>
    /// <param name="keyMask">1 for real and 0 for padding over every key, cached and new, <c>[batch, keys]</c>; null when all are real.</param>
    public Tensor Forward(Tensor ids, Tensor positions, Tensor? keyMask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        return Logits(Hidden(ids, positions, keyMask, cache)).MoveToOuterDisposeScope();
    }

    /// <summary>The final normalised hidden states, <c>[batch, len, width]</c>: what the output layer reads, and what a
    /// reward head reads instead.</summary>
    public Tensor Hidden(Tensor ids, Tensor positions, Tensor? keyMask, KvCache? cache)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(positions);
        long length = ids.shape[1];
        long end = (cache?.Length ?? 0) + length;
        if (end > Config.ContextLength)
            throw new ArgumentException($"{end} tokens: longer than the model's context of {Config.ContextLength}", nameof(ids));
        using var scope = NewDisposeScope();
        var x = _embedding.forward(ids);
        for (int layer = 0; layer < _blocks.Count; layer++) x = _blocks[layer].Forward(x, positions, keyMask, cache, layer);
        cache?.Advance(length);
        return _finalNorm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Logits from final hidden states through the tied output layer.</summary>
    public Tensor Logits(Tensor hidden) => nn.functional.linear(hidden, _embedding.weight!);

    /// <summary>Positions <c>start … start + len − 1</c> for every row of <paramref name="ids"/>, <c>[batch, len]</c>.</summary>
    public static Tensor PositionsFrom(Tensor ids, long start)
    {
        using var first = start.ToScalar();
        using var end = (start + ids.shape[1]).ToScalar();
        using var range = arange(first, end, One, dtype: ScalarType.Int64, device: ids.device);
        return range.unsqueeze(0).expand(ids.shape[0], -1).contiguous();
    }

    private void Initialize(Generator generator)
    {
        using var noGrad = no_grad();
        double residualScale = 1 / Math.Sqrt(2.0 * Config.Layers);
        foreach (var (name, parameter) in named_parameters())
        {
            using var scope = NewDisposeScope();
            if (name.EndsWith("bias", StringComparison.Ordinal)) parameter.zero_();
            else if (name.Contains("Norm", StringComparison.Ordinal)) parameter.fill_(One);
            else
            {
                // GPT-2 scales the layers that write into the residual stream, so its variance does not grow with depth.
                bool residualOutput = name.Contains("_output.", StringComparison.Ordinal) || name.Contains("_down.", StringComparison.Ordinal);
                using var scale = (0.02 * (residualOutput ? residualScale : 1)).ToScalar();
                parameter.copy_(randn(parameter.shape, generator: generator).mul(scale));
            }
        }
    }
}
