using Sim.Core.Wrappers;

namespace Sim.Core;

/// <summary>Finds the goal env at the bottom of a wrapper chain, for what needs its goals (hindsight replay, potential shaping).</summary>
public static class GoalEnvLookup
{
    /// <summary>The <see cref="IGoalEnv"/> beneath <paramref name="env"/>'s wrappers, whose observation rows must reach the
    /// top of the chain unchanged; an <see cref="ArgumentException"/> naming the env and what was expected otherwise.</summary>
    /// <param name="env">The chain.</param>
    /// <param name="purpose">What needs the goals, for the message, e.g. <c>hindsight replay</c>.</param>
    public static IGoalEnv Beneath(IVectorEnv env, string purpose)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (Find(env, out var current) is not IGoalEnv goal)
            throw new ArgumentException($"{current.GetType().Name} is no goal env (IGoalEnv): {purpose} needs achieved and desired goals, as ArmReach-v1 and ArmPush-v1 have", nameof(env));
        if (goal.SingleDictObservationSpace.FlatSize != env.SingleObservationSpace.FlatSize)
            throw new ArgumentException($"the env chain changes the goal env's observation size ({goal.SingleDictObservationSpace.FlatSize} to {env.SingleObservationSpace.FlatSize}): {purpose} needs its rows as they are", nameof(env));
        return goal;
    }

    /// <summary>The goal env beneath <paramref name="env"/>'s wrappers, or null; <paramref name="bottom"/> is the env the
    /// chain ends in either way (its rows are raw, whatever wrappers above it do to them).</summary>
    public static IGoalEnv? Find(IVectorEnv env, out IVectorEnv bottom)
    {
        ArgumentNullException.ThrowIfNull(env);
        bottom = env;
        while (bottom is not IGoalEnv && bottom is VectorEnvWrapper wrapper) bottom = wrapper.Inner;
        return bottom as IGoalEnv;
    }
}
