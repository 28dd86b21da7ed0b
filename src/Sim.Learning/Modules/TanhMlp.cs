using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Modules;

/// <summary>A two-hidden-layer tanh MLP with orthogonal init: CleanRL's PPO actor and critic body.</summary>
/// <remarks>Hidden layers use gain √2; the output layer's gain is a constructor argument because PPO gives
/// the actor head 0.01 (near-uniform initial policy) and the critic head 1.</remarks>
public sealed class TanhMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _hidden1;
    private readonly Linear _hidden2;
    private readonly Linear _output;

    /// <summary>Builds <paramref name="inputs"/> → <paramref name="hidden"/> → <paramref name="hidden"/> → <paramref name="outputs"/>,
    /// drawing the initial weights from <paramref name="generator"/>.</summary>
    public TanhMlp(string name, int inputs, int hidden, int outputs, double outputGain, Generator generator) : base(name)
    {
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, $"inputs = {inputs}: expected at least 1");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, $"hidden = {hidden}: expected at least 1");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, $"outputs = {outputs}: expected at least 1");
        _hidden1 = OrthogonalInit.Linear(inputs, hidden, Math.Sqrt(2), generator);
        _hidden2 = OrthogonalInit.Linear(hidden, hidden, Math.Sqrt(2), generator);
        _output = OrthogonalInit.Linear(hidden, outputs, outputGain, generator);
        RegisterComponents();
    }

    /// <summary>Maps <c>[batch, inputs]</c> to <c>[batch, outputs]</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var h1 = _hidden1.forward(input);
        using var a1 = h1.tanh();
        using var h2 = _hidden2.forward(a1);
        using var a2 = h2.tanh();
        return _output.forward(a2);
    }
}
