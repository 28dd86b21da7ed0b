using Sim.Core.Spaces;

namespace Sim.Core;

/// <summary>A goal-conditioned vector env (Fetch-style) whose reward can be recomputed for any goal, for hindsight relabelling.</summary>
/// <remarks>
/// Observations are a <see cref="DictSpace"/> with the keys <see cref="ObservationKey"/>, <see cref="AchievedGoalKey"/>
/// and <see cref="DesiredGoalKey"/> laid out in one flat row. The reward a step returns is exactly
/// <see cref="ComputeReward"/> of that step's achieved and desired goals as stored in the observation row, so a
/// relabelled transition gets the reward the env would have paid had that goal been asked for.
/// </remarks>
public interface IGoalEnv
{
    /// <summary>Dict key of the task state (joint angles, velocities, object positions).</summary>
    const string ObservationKey = "observation";

    /// <summary>Dict key of the goal the current state achieves.</summary>
    const string AchievedGoalKey = "achieved_goal";

    /// <summary>Dict key of the goal the episode asks for.</summary>
    const string DesiredGoalKey = "desired_goal";

    /// <summary>Info flag set when a step's achieved goal satisfies its desired goal.</summary>
    const string SuccessFlag = "is_success";

    /// <summary>The observation space of one env as a dict (the same object as its single observation space).</summary>
    DictSpace SingleDictObservationSpace { get; }

    /// <summary>Floats per goal (the length of the achieved and desired goal slices).</summary>
    int GoalSize { get; }

    /// <summary>The reward for reaching <paramref name="achievedGoal"/> when <paramref name="desiredGoal"/> was asked for.</summary>
    float ComputeReward(ReadOnlySpan<float> achievedGoal, ReadOnlySpan<float> desiredGoal);

    /// <summary>Batched <see cref="ComputeReward"/>: row i of the goal batches (<see cref="GoalSize"/> floats each) gives <paramref name="rewards"/>[i].</summary>
    void ComputeRewards(ReadOnlySpan<float> achievedGoals, ReadOnlySpan<float> desiredGoals, Span<float> rewards);

    /// <summary>Whether <paramref name="achievedGoal"/> satisfies <paramref name="desiredGoal"/> (the <see cref="SuccessFlag"/> rule).</summary>
    bool IsSuccess(ReadOnlySpan<float> achievedGoal, ReadOnlySpan<float> desiredGoal);
}
