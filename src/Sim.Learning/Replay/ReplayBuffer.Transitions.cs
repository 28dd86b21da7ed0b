using Sim.Rewards.Robot.Dynamics;

namespace Sim.Learning.Replay;

// The buffer as the transitions a dynamics-aware reward learns from (REED on PEBBLE): every stored row, whose next
// observation is kept explicitly, so each is a real (s, a, s′) whatever env or episode it came from.
public sealed partial class ReplayBuffer : ITransitionSource
{
    /// <summary>Transitions stored, <see cref="Count"/>.</summary>
    public int TransitionCount => Count;

    /// <inheritdoc/>
    public void CopyTransitions(Span<float> states, Span<float> actions, Span<float> nextStates)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (states.Length != Count * ObservationSize || nextStates.Length != Count * ObservationSize || actions.Length != Count * ActionSize)
            throw new ArgumentException(
                $"spans of {states.Length} states, {actions.Length} actions and {nextStates.Length} next states: expected {Count} rows of {ObservationSize}, {ActionSize} and {ObservationSize} floats");
        Observations.CopyTo(states);
        Actions.CopyTo(actions);
        NextObservations.CopyTo(nextStates);
    }
}
