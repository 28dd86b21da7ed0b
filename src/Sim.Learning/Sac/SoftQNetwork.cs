using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>A soft Q-function Q(s, a): a ReLU MLP over the concatenated observation and action.</summary>
public sealed class SoftQNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ReluMlp _body;

    /// <summary>A critic over <paramref name="observationSize"/> + <paramref name="actionSize"/> inputs.</summary>
    public SoftQNetwork(string name, int observationSize, int actionSize, int hidden, Generator generator) : base(name)
    {
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, $"observationSize = {observationSize}: expected at least 1");
        if (actionSize < 1) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, $"actionSize = {actionSize}: expected at least 1");
        _body = new ReluMlp("body", observationSize + actionSize, hidden, 1, generator);
        RegisterComponents();
    }

    /// <summary>Q-values <c>[batch]</c> of <paramref name="actions"/> <c>[batch, A]</c> in <paramref name="observations"/> <c>[batch, O]</c>.</summary>
    public override Tensor forward(Tensor observations, Tensor actions)
    {
        using var input = cat(new[] { observations, actions }, 1);
        using var column = _body.forward(input);
        return column.squeeze(1);
    }
}
