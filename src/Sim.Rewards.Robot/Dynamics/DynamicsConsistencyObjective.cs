using Sim.Foundation;
using Sim.Rewards.Models;
using Sim.Rewards.Objectives;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot.Dynamics;

/// <summary>REED's self-supervised next-state consistency over transitions (s, a, s′): the embedding of (s, a) must
/// predict that of s′ (<see cref="DynamicsObjectiveKind"/>), so the reward network's encoders learn the env's dynamics
/// from every transition, labelled or not.</summary>
/// <remarks>It is an <see cref="IAuxiliaryObjective"/>, so it can also be added to every minibatch of a reward ensemble's
/// preference training (joint learning); REED's own schedule trains it first, on its own (<see cref="DynamicsPretrainer"/>).</remarks>
public sealed class DynamicsConsistencyObjective : IAuxiliaryObjective
{
    private readonly TransitionTensors _data;

    /// <summary>The objective over <paramref name="data"/> (not owned), weighted <paramref name="weight"/> when added to another objective.</summary>
    public DynamicsConsistencyObjective(TransitionTensors data, DynamicsObjectiveKind kind, double temperature = 0.5, double weight = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "expected SimSiam or Contrastive");
        if (!(temperature > 0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"temperature = {temperature}: expected a finite temperature > 0");
        _data = data;
        Kind = kind;
        Temperature = temperature;
        Weight = weight;
    }

    /// <inheritdoc/>
    public string Name => Kind == DynamicsObjectiveKind.SimSiam ? "dynamics (SimSiam)" : "dynamics (contrastive)";

    /// <inheritdoc/>
    public double Weight { get; }

    /// <summary>How predictions and targets are compared.</summary>
    public DynamicsObjectiveKind Kind { get; }

    /// <summary>The InfoNCE temperature τ (contrastive only).</summary>
    public double Temperature { get; }

    /// <summary>Transitions the objective draws from.</summary>
    public int Count => _data.Count;

    /// <inheritdoc/>
    public Tensor Loss(RewardEncoder member, int memberIndex, int batchSize, ref SimRandom random)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize = {batchSize}: expected at least 1");
        if (Count == 0) throw new InvalidOperationException($"the {Name} objective has no transitions: collect some before training on it");
        var indices = new long[batchSize];
        for (int i = 0; i < batchSize; i++) indices[i] = random.NextInt(Count);
        using var index = tensor(indices).to(_data.States.device);
        return Loss(member, index);
    }

    /// <summary>The mean loss of <paramref name="member"/> on transitions <paramref name="indices"/>; a scalar with gradients
    /// (none through the target), in the caller's scope.</summary>
    /// <exception cref="ArgumentException">When <paramref name="member"/> is not a <see cref="DynamicsRewardEncoder"/>.</exception>
    public Tensor Loss(RewardEncoder member, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(indices);
        var network = member as DynamicsRewardEncoder
            ?? throw new ArgumentException($"a {member.GetType().Name} has no state and action encoders: the {Name} objective needs a {nameof(DynamicsRewardEncoder)}", nameof(member));
        using var scope = NewDisposeScope();
        var (states, actions, nextStates) = _data.Select(indices);
        var predicted = network.PredictNext(states, actions, withPredictor: Kind == DynamicsObjectiveKind.SimSiam);
        var targets = network.ProjectTarget(nextStates);
        var loss = Kind == DynamicsObjectiveKind.SimSiam ? ConsistencyLoss.SimSiam(predicted, targets) : ConsistencyLoss.InfoNce(predicted, targets, Temperature);
        return loss.MoveToOuterDisposeScope();
    }
}
