using static TorchSharp.torch;

namespace Sim.Rewards.Robot.Dynamics;

/// <summary>A set of transitions (s, a, s′) on a device, as three row-aligned tensors.</summary>
public sealed class TransitionTensors : IDisposable
{
    /// <summary>Takes ownership of <c>[n, obs]</c>, <c>[n, act]</c> and <c>[n, obs]</c> tensors.</summary>
    public TransitionTensors(Tensor states, Tensor actions, Tensor nextStates)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(nextStates);
        if (states.dim() != 2 || actions.dim() != 2 || !states.shape.SequenceEqual(nextStates.shape) || actions.shape[0] != states.shape[0])
            throw new ArgumentException(
                $"states [{string.Join(", ", states.shape)}], actions [{string.Join(", ", actions.shape)}], next states [{string.Join(", ", nextStates.shape)}]: "
                + "expected [n, obs], [n, act] and [n, obs]");
        States = states;
        Actions = actions;
        NextStates = nextStates;
    }

    /// <summary>s, <c>[n, obs]</c>.</summary>
    public Tensor States { get; }

    /// <summary>a, <c>[n, act]</c>.</summary>
    public Tensor Actions { get; }

    /// <summary>s′, <c>[n, obs]</c>.</summary>
    public Tensor NextStates { get; }

    /// <summary>Transitions n.</summary>
    public int Count => (int)States.shape[0];

    /// <summary>Every transition <paramref name="source"/> holds now, copied to <paramref name="device"/>.</summary>
    public static TransitionTensors From(ITransitionSource source, Device device)
    {
        ArgumentNullException.ThrowIfNull(source);
        int n = source.TransitionCount, obs = source.ObservationSize, act = source.ActionSize;
        var states = new float[(long)n * obs];
        var actions = new float[(long)n * act];
        var next = new float[(long)n * obs];
        source.CopyTransitions(states, actions, next);
        return new TransitionTensors(
            tensor(states, [n, obs]).to(device).DetachFromDisposeScope(),
            tensor(actions, [n, act]).to(device).DetachFromDisposeScope(),
            tensor(next, [n, obs]).to(device).DetachFromDisposeScope());
    }

    /// <summary>Rows <paramref name="indices"/> of each tensor, in the caller's scope.</summary>
    public (Tensor States, Tensor Actions, Tensor NextStates) Select(Tensor indices) =>
        (States.index_select(0, indices), Actions.index_select(0, indices), NextStates.index_select(0, indices));

    public void Dispose()
    {
        States.Dispose();
        Actions.Dispose();
        NextStates.Dispose();
    }
}
