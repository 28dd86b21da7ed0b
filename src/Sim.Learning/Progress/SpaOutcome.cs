namespace Sim.Learning.Progress;

/// <summary>What an episode's contributions c_t are trained to add up to.</summary>
public enum SpaOutcome
{
    /// <summary>1 when the env's <c>is_success</c> flag is set on the episode's last step, else 0 (goal arms, ReacherSparse).</summary>
    Success,

    /// <summary>The episode's undiscounted return, as the episodic-reward wrapper pays it at the end (<c>--delayed-reward</c>).</summary>
    DelayedReturn,
}
