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

    /// <summary>Sets the head's bias so that the embeddings of <paramref name="items"/> average to zero (a data-dependent
    /// initialisation, run once before training).</summary>
    /// <remarks>Why: at a random start the trunk's final states share a large common part (the same closing token at
    /// nearly the same position), so every item embeds in nearly the same direction. On a cycle that collapsed start is
    /// a local minimum of GPM's loss, not just a slow start: with all styles at one angle the pulls of A ≻ B and C ≻ A
    /// on A cancel, and to second order the loss rises as the styles' angles move apart, so gradient descent stays
    /// there. Removing the common part leaves the items' differences, which point every way, and from such a spread
    /// start GPM reaches the cycle (as free embeddings from a random start do).</remarks>
    public void CentreOn(ItemBatch items)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mean = _head.forward(TextRewardEncoder.FinalStates(_trunk, items.Inputs, items.Mask)).mean([0]);
        _head.bias!.sub_(mean);
    }

    /// <summary>One embedding per sequence, <c>[batch, dimensions]</c>.</summary>
    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return _head.forward(TextRewardEncoder.FinalStates(_trunk, ids, mask)).MoveToOuterDisposeScope();
    }
}
