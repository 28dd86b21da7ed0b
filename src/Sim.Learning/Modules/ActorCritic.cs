using Sim.Core.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Modules;

/// <summary>PPO's agent: a stochastic policy and a separate state-value network, both 2×64 tanh MLPs.</summary>
public sealed class ActorCritic : nn.Module
{
    private readonly StochasticPolicy _actor;
    private readonly TanhMlp _critic;

    /// <summary>Pairs <paramref name="actor"/> with a critic over <paramref name="observationSize"/> inputs.</summary>
    public ActorCritic(StochasticPolicy actor, int observationSize, int hidden, Generator generator) : base("actor_critic")
    {
        _actor = actor ?? throw new ArgumentNullException(nameof(actor));
        _critic = new TanhMlp("critic", observationSize, hidden, 1, 1.0, generator);
        RegisterComponents();
    }

    /// <summary>Builds the agent for an env's single observation and action spaces: a Gaussian policy for a
    /// <see cref="Box"/>, a categorical one for a <see cref="Discrete"/> space. Weights come from
    /// <paramref name="generator"/> (a CPU generator; move the module with <c>to(device)</c> afterwards).</summary>
    public static ActorCritic ForSpaces(Space observationSpace, Space actionSpace, int hidden, double initialLogStd, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        int observationSize = observationSpace.FlatSize;
        StochasticPolicy actor = actionSpace switch
        {
            Box box => new GaussianPolicy(observationSize, box.FlatSize, hidden, initialLogStd, generator),
            Discrete discrete => new CategoricalPolicy(observationSize, discrete.N, hidden, generator),
            _ => throw new ArgumentException($"action space {actionSpace} is not supported: expected a Box (Gaussian policy) or Discrete (categorical policy)", nameof(actionSpace)),
        };
        return new ActorCritic(actor, observationSize, hidden, generator);
    }

    /// <summary>The policy.</summary>
    public StochasticPolicy Actor => _actor;

    /// <summary>Floats per action row.</summary>
    public int ActionSize => _actor.ActionSize;

    /// <summary>State values <c>[batch]</c>.</summary>
    public Tensor Value(Tensor observations)
    {
        using var column = _critic.forward(observations);
        return column.squeeze(1);
    }

    /// <summary>Samples actions for a rollout step: actions <c>[batch, ActionSize]</c>, their log-probabilities and the state values <c>[batch]</c>.</summary>
    public (Tensor Actions, Tensor LogProbs, Tensor Values) Act(Tensor observations, Generator generator)
    {
        var (actions, logProbs) = _actor.Sample(observations, generator);
        return (actions, logProbs, Value(observations));
    }

    /// <summary>Scores stored actions under the current weights: log-probabilities, entropies and values, each <c>[batch]</c>.</summary>
    public (Tensor LogProbs, Tensor Entropies, Tensor Values) Evaluate(Tensor observations, Tensor actions)
    {
        var (logProbs, entropies) = _actor.Evaluate(observations, actions);
        return (logProbs, entropies, Value(observations));
    }
}
