using Sim.Rewards.Robot.Dynamics;

namespace Sim.Rewards.Robot;

// The history as a source of transitions for learning dynamics (REED on PPO): consecutive steps of one stored episode,
// finished or in progress. An episode's last step has no next observation kept, nor does the step before a chunk
// boundary of an over-long episode, so neither is a transition here.
public sealed partial class EpisodeHistory : ITransitionSource
{
    int ITransitionSource.ObservationSize => _obs;

    int ITransitionSource.ActionSize => _act;

    /// <summary>Transitions (s, a, s′) within the kept episodes, finished or in progress.</summary>
    public int TransitionCount
    {
        get
        {
            int n = 0;
            foreach (var slot in TransitionSlots()) n += Math.Max(0, slot.Steps - 1);
            return n;
        }
    }

    /// <inheritdoc/>
    public void CopyTransitions(Span<float> states, Span<float> actions, Span<float> nextStates)
    {
        if (_stepOpen) throw new InvalidOperationException("CopyTransitions was called between BeginStep and EndStep: finish the step first");
        int count = TransitionCount;
        CheckLength(states.Length, count * _obs, "states", "TransitionCount × ObservationSize");
        CheckLength(actions.Length, count * _act, "actions", "TransitionCount × ActionSize");
        CheckLength(nextStates.Length, count * _obs, "next states", "TransitionCount × ObservationSize");
        int row = 0;
        foreach (var slot in TransitionSlots())
        {
            int rows = slot.Steps - 1;
            if (rows <= 0) continue;
            slot.Observations.AsSpan(0, rows * _obs).CopyTo(states.Slice(row * _obs));
            slot.Actions.AsSpan(0, rows * _act).CopyTo(actions.Slice(row * _act));
            slot.Observations.AsSpan(_obs, rows * _obs).CopyTo(nextStates.Slice(row * _obs));
            row += rows;
        }
    }

    // Finished slots oldest first, then every sub-env's slot in progress.
    IEnumerable<Slot> TransitionSlots()
    {
        for (int i = 0; i < _finishedCount; i++) yield return Finished(i);
        foreach (var slot in _current) yield return slot;
    }
}
