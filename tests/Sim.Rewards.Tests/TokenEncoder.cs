using Sim.Rewards.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>A tiny text reward encoder: token embedding, mean over the real tokens, linear score. With
/// <c>perToken</c> it scores every token instead (embedding, linear), as a per-token reward model does. An auxiliary head
/// reads the same pooled trunk, for the tests of auxiliary objectives.</summary>
public sealed class TokenEncoder : RewardEncoder
{
    private readonly Embedding _embedding;
    private readonly Linear _score;
    private readonly Linear _auxiliary;
    private readonly bool _perToken;

    public TokenEncoder(int vocabulary, int width, bool perToken, Generator generator) : base(nameof(TokenEncoder))
    {
        _perToken = perToken;
        _embedding = nn.Embedding(vocabulary, width);
        _score = nn.Linear(width, 1);
        _auxiliary = nn.Linear(width, 1);
        // Registered first, so the loop below sees the parameters it overwrites.
        RegisterComponents();
        // Drawn from the ensemble's generator, so that the seed alone fixes every member's weights.
        using (no_grad())
        {
            foreach (var (_, parameter) in named_parameters())
            {
                using var draw = randn(parameter.shape, generator: generator);
                using var scale = 0.3.ToScalar();
                parameter.copy_(draw.mul(scale));
            }
        }
    }

    /// <summary>The shared trunk: the mean embedding of the real tokens, <c>[batch, width]</c>.</summary>
    public Tensor Pooled(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var embedded = _embedding.forward(ids) * mask.unsqueeze(-1);
        return (embedded.sum(1) / mask.sum(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>The auxiliary head's prediction from the trunk, <c>[batch]</c>.</summary>
    public Tensor Auxiliary(Tensor ids, Tensor mask)
    {
        using var pooled = Pooled(ids, mask);
        using var output = _auxiliary.forward(pooled);
        return output.squeeze(-1);
    }

    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var scores = _perToken ? _score.forward(_embedding.forward(ids)) : _score.forward(Pooled(ids, mask));
        return scores.squeeze(-1).MoveToOuterDisposeScope();
    }
}
