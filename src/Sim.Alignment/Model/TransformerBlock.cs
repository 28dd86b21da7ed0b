using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>One pre-LN transformer block (GPT-2): x + attention(LN(x)), then x + MLP(LN(x)) with a GELU.</summary>
public sealed class TransformerBlock : nn.Module
{
    private readonly LayerNorm _attentionNorm;
    private readonly CausalSelfAttention _attention;
    private readonly LayerNorm _mlpNorm;
    private readonly Linear _up;
    private readonly Linear _down;

    /// <summary>A block of <paramref name="config"/>.</summary>
    public TransformerBlock(TransformerConfig config) : base(nameof(TransformerBlock))
    {
        _attentionNorm = nn.LayerNorm(config.Width);
        _attention = new CausalSelfAttention(config);
        _mlpNorm = nn.LayerNorm(config.Width);
        _up = nn.Linear(config.Width, config.MlpRatio * config.Width);
        _down = nn.Linear(config.MlpRatio * config.Width, config.Width);
        RegisterComponents();
    }

    /// <summary>The residual stream after this block; see <see cref="CausalSelfAttention.Forward"/> for the arguments.</summary>
    public Tensor Forward(Tensor x, Tensor positions, Tensor? keyMask, KvCache? cache, int layer)
    {
        using var scope = NewDisposeScope();
        var attended = x.add(_attention.Forward(_attentionNorm.forward(x), positions, keyMask, cache, layer), One);
        var hidden = nn.functional.gelu(_up.forward(_mlpNorm.forward(attended)));
        return attended.add(_down.forward(hidden), One).MoveToOuterDisposeScope();
    }
}
