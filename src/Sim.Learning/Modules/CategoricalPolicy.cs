using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Modules;

/// <summary>A softmax policy over <c>n</c> discrete choices, for <see cref="Sim.Core.Spaces.Discrete"/> action spaces.</summary>
public sealed class CategoricalPolicy : StochasticPolicy
{
    private readonly TanhMlp _logits;

    /// <summary>A policy over <paramref name="choices"/> actions; the 0.01 head gain makes it start near uniform.</summary>
    public CategoricalPolicy(int observationSize, int choices, int hidden, Generator generator) : base("categorical_policy")
    {
        if (choices < 1) throw new ArgumentOutOfRangeException(nameof(choices), choices, $"choices = {choices}: expected at least 1");
        Choices = choices;
        _logits = new TanhMlp("logits", observationSize, hidden, choices, 0.01, generator);
        RegisterComponents();
    }

    /// <summary>Number of discrete actions.</summary>
    public int Choices { get; }

    public override int ActionSize => 1;

    /// <summary>Unnormalised log-probabilities <c>[batch, Choices]</c>.</summary>
    public override Tensor forward(Tensor observations) => _logits.forward(observations);

    public override Tensor Mode(Tensor observations)
    {
        using var logits = forward(observations);
        return logits.argmax(-1, keepdim: true).to(ScalarType.Float32);
    }

    public override (Tensor Actions, Tensor LogProbs) Sample(Tensor observations, Generator generator)
    {
        using var logits = forward(observations);
        using var logProbs = logits.log_softmax(-1);
        using var probs = logProbs.exp();
        using var choice = probs.multinomial(1, true, generator);
        return (choice.to(ScalarType.Float32), logProbs.gather(1, choice).squeeze(1));
    }

    public override (Tensor LogProbs, Tensor Entropies) Evaluate(Tensor observations, Tensor actions)
    {
        using var logits = forward(observations);
        using var logProbs = logits.log_softmax(-1);
        using var probs = logProbs.exp();
        using var choice = actions.to(ScalarType.Int64);
        using var chosen = logProbs.gather(1, choice);
        using var plogp = probs * logProbs;
        return (chosen.squeeze(1), plogp.sum(-1).neg());
    }
}
