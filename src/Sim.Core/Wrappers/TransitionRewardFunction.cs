namespace Sim.Core.Wrappers;

/// <summary>A batched reward over transitions, as <see cref="FuncRewardWrapper"/> calls it: row i of every span belongs to env i.</summary>
/// <param name="observations">Observations before the step, <c>[numEnvs × obs size]</c>.</param>
/// <param name="actions">Actions of the step, <c>[numEnvs × action size]</c>.</param>
/// <param name="nextObservations">Observations after the step (the final observation where an episode ended), <c>[numEnvs × obs size]</c>.</param>
/// <param name="rewards">One reward per env, to be written.</param>
public delegate void TransitionRewardFunction(
    ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> nextObservations, Span<float> rewards);
