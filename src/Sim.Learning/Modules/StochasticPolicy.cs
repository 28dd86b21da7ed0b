using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Modules;

/// <summary>A policy network over a batch of observations that can sample actions and score given ones.</summary>
/// <remarks>Actions travel as float rows <c>[batch, ActionSize]</c> whatever the space, the layout env batch buffers use.</remarks>
public abstract class StochasticPolicy : nn.Module<Tensor, Tensor>
{
    /// <summary>Names the module for state dicts.</summary>
    protected StochasticPolicy(string name) : base(name) { }

    /// <summary>Floats per action row (1 for a discrete choice).</summary>
    public abstract int ActionSize { get; }

    /// <summary>Draws one action per observation from <paramref name="generator"/>: actions <c>[batch, ActionSize]</c>, log-probabilities <c>[batch]</c>.</summary>
    public abstract (Tensor Actions, Tensor LogProbs) Sample(Tensor observations, Generator generator);

    /// <summary>The most likely action for each observation (the mean, or the highest-probability choice), for evaluation.</summary>
    public abstract Tensor Mode(Tensor observations);

    /// <summary>Log-probabilities <c>[batch]</c> of the given <paramref name="actions"/> and the policy's entropies <c>[batch]</c>.</summary>
    public abstract (Tensor LogProbs, Tensor Entropies) Evaluate(Tensor observations, Tensor actions);
}
