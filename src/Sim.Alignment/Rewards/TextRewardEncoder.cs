using Sim.Alignment.Model;
using Sim.Rewards.Models;
using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Rewards;

/// <summary>The text world's reward encoder: a <see cref="CausalTransformer"/> trunk and a scalar head reading the final
/// hidden state of the last real token (the EOS), as TRL's sequence-classification reward models do. Everything above
/// it (ensemble, objective, aggregation, normalisation, model file) is the shared reward core.</summary>
/// <remarks>Reads the right-padded <c>[batch, tokens]</c> ids and mask of a <see cref="CompletionCollator"/>; attention
/// is causal, so the last real token's state never sees the padding after it.</remarks>
public sealed class TextRewardEncoder : RewardEncoder
{
    private readonly CausalTransformer _trunk;
    private readonly Linear _head;

    /// <summary>An encoder of shape <paramref name="config"/> whose weights are drawn from <paramref name="generator"/>.</summary>
    public TextRewardEncoder(TransformerConfig config, Generator generator) : base(nameof(TextRewardEncoder))
    {
        _trunk = new CausalTransformer(config, generator);
        _head = nn.Linear(config.Width, 1);
        using (no_grad())
        {
            using var scale = (1.0 / Math.Sqrt(config.Width + 1)).ToScalar();
            using var draw = randn(_head.weight!.shape, generator: generator);
            _head.weight.copy_(draw.mul(scale));
            _head.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>The transformer under the head.</summary>
    public CausalTransformer Trunk => _trunk;

    /// <summary>Copies the weights of <paramref name="model"/> (e.g. the SFT model, as reward models start from it) into the trunk.</summary>
    public void LoadTrunk(CausalTransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Config != _trunk.Config)
            throw new ArgumentException($"the model to start from has shape {model.Config}: expected the reward model's {_trunk.Config}", nameof(model));
        using var noGrad = no_grad();
        foreach (var ((name, target), (_, source)) in _trunk.named_parameters().Zip(model.named_parameters()))
            target.copy_(source);
    }

    /// <summary>One score per sequence, <c>[batch]</c>.</summary>
    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return _head.forward(FinalStates(_trunk, ids, mask)).squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <summary>The trunk's hidden state at each sequence's last real token (the EOS), <c>[batch, width]</c>: what a
    /// head over a whole sequence reads.</summary>
    public static Tensor FinalStates(CausalTransformer trunk, Tensor ids, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        using var scope = NewDisposeScope();
        var hidden = trunk.Hidden(ids, CausalTransformer.PositionsFrom(ids, 0), null, null);   // [batch, len, width]
        var last = mask.sum(1).sub(One).to_type(ScalarType.Int64).clamp_min(Zero);
        var index = last.view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);
        return hidden.gather(1, index).squeeze(1).MoveToOuterDisposeScope();
    }
}
