using Sim.Rewards.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>An encoder that gives each one-token item a free embedding of <c>width</c> (or a free scalar score when
/// <c>width</c> is 1), so that a model's capacity is exactly that of its preference rule.</summary>
public sealed class ItemEmbeddingEncoder : RewardEncoder
{
    private readonly Embedding _embedding;
    private readonly bool _scalar;

    public ItemEmbeddingEncoder(int items, int width, Generator generator) : base(nameof(ItemEmbeddingEncoder))
    {
        _scalar = width == 1;
        _embedding = nn.Embedding(items, width);
        using (no_grad())
        {
            using var draw = randn(_embedding.weight!.shape, generator: generator);
            using var scale = 0.1.ToScalar();
            _embedding.weight.copy_(draw.mul(scale));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var first = ids.select(1, 0);
        var embedded = _embedding.forward(first);
        return (_scalar ? embedded.squeeze(-1) : embedded).MoveToOuterDisposeScope();
    }
}
