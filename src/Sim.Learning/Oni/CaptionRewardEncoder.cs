using Sim.Rewards.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Oni;

/// <summary>The small network ONI distils the LLM into: hashed caption features → 32 tanh units → one score per caption.</summary>
public sealed class CaptionRewardEncoder : RewardEncoder
{
    readonly Linear _hidden, _output;

    /// <summary>A freshly initialised encoder drawing its weights from <paramref name="generator"/>.</summary>
    public CaptionRewardEncoder(Generator generator) : base(nameof(CaptionRewardEncoder))
    {
        _hidden = nn.Linear(CaptionFeatures.Size, 32);
        _output = nn.Linear(32, 1);
        using (no_grad())
        {
            foreach (var p in new[] { _hidden.weight!, _output.weight! }) nn.init.uniform_(p, -0.3, 0.3, generator);
            _hidden.bias!.zero_();
            _output.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor inputs, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return _output.forward(tanh(_hidden.forward(inputs))).squeeze(-1).MoveToOuterDisposeScope();
    }
}
