using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>A two-hidden-layer ReLU MLP with PyTorch's default initialisation: the body of CleanRL's SAC actor and critics.</summary>
public sealed class ReluMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _hidden1;
    private readonly Linear _hidden2;
    private readonly Linear _output;

    /// <summary>Builds <paramref name="inputs"/> → <paramref name="hidden"/> → <paramref name="hidden"/> → <paramref name="outputs"/>,
    /// drawing the initial weights from <paramref name="generator"/>.</summary>
    public ReluMlp(string name, int inputs, int hidden, int outputs, Generator generator) : base(name)
    {
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, $"hidden = {hidden}: expected at least 1");
        _hidden1 = DefaultLinearInit.Linear(inputs, hidden, generator);
        _hidden2 = DefaultLinearInit.Linear(hidden, hidden, generator);
        _output = DefaultLinearInit.Linear(hidden, outputs, generator);
        RegisterComponents();
    }

    /// <summary>Maps <c>[batch, inputs]</c> to <c>[batch, outputs]</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var h1 = _hidden1.forward(input);
        using var a1 = h1.relu();
        using var h2 = _hidden2.forward(a1);
        using var a2 = h2.relu();
        return _output.forward(a2);
    }
}
