using Sim.Alignment.Model;
using Sim.Alignment.Rewards;
using Sim.Rewards.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Alignment.Gpm;

/// <summary>The text world's encoder for the general preference model: the same transformer trunk as
/// <see cref="TextRewardEncoder"/>, with a linear head to a 2k-dimensional preference embedding instead of a scalar; the
/// reward core's <see cref="GeneralPreferenceModel{TItem}"/> normalises it and scores pairs skew-symmetrically.</summary>
public sealed class TextEmbeddingEncoder : RewardEncoder
{
    private readonly CausalTransformer _trunk;
    private readonly Linear _head;

    /// <summary>An encoder of shape <paramref name="config"/> embedding to <paramref name="dimensions"/> (even) values,
    /// whose weights are drawn from <paramref name="generator"/>.</summary>
    public TextEmbeddingEncoder(TransformerConfig config, int dimensions, Generator generator) : base(nameof(TextEmbeddingEncoder))
    {
        if (dimensions < 2 || dimensions % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"dimensions = {dimensions}: expected an even embedding width ≥ 2");
        _trunk = new CausalTransformer(config, generator);
        _head = nn.Linear(config.Width, dimensions);
        using (no_grad())
        {
            using var draw = randn(_head.weight!.shape, generator: generator);
            using var scale = (1.0 / Math.Sqrt(config.Width)).ToScalar();
            _head.weight.copy_(draw.mul(scale));
            _head.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>One embedding per sequence, <c>[batch, dimensions]</c>.</summary>
    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return _head.forward(TextRewardEncoder.FinalStates(_trunk, ids, mask)).MoveToOuterDisposeScope();
    }
}
