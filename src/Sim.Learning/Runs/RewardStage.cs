using Sim.Core;

namespace Sim.Learning.Runs;

/// <summary>A reward stage rebuilt for acting in a run's env chain: the wrapping, and what it keeps alive (a loaded
/// reward model), disposed with the policy.</summary>
public sealed record RewardStage(Func<IVectorEnv, IVectorEnv> Wrap, IDisposable? Owner);
