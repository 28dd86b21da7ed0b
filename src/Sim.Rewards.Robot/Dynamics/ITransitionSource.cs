namespace Sim.Rewards.Robot.Dynamics;

/// <summary>Transitions (s, a, s′) seen so far, for learning dynamics: a replay buffer (PEBBLE) or the episode history (PPO).</summary>
public interface ITransitionSource
{
    /// <summary>Floats per state.</summary>
    int ObservationSize { get; }

    /// <summary>Floats per action.</summary>
    int ActionSize { get; }

    /// <summary>Transitions available now.</summary>
    int TransitionCount { get; }

    /// <summary>Copies every available transition, row i of each span being one transition: <paramref name="states"/>
    /// <c>[count × obs]</c>, <paramref name="actions"/> <c>[count × act]</c>, <paramref name="nextStates"/> <c>[count × obs]</c>,
    /// with count = <see cref="TransitionCount"/>.</summary>
    void CopyTransitions(Span<float> states, Span<float> actions, Span<float> nextStates);
}
