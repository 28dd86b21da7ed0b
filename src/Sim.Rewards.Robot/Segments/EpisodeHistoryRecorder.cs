using Sim.Core;
using Sim.Core.Wrappers;

namespace Sim.Rewards.Robot;

/// <summary>A pass-through wrapper that records every step of the env it wraps into an <see cref="EpisodeHistory"/>, so
/// that preference queries can be cut from recent episodes while a learner trains.</summary>
/// <remarks>Place it where the rewards are still the env's own (inside any learned-reward wrapper) and observations are
/// still raw (inside any normaliser): the history then holds what teachers judge and reward models learn from.</remarks>
public sealed class EpisodeHistoryRecorder : VectorEnvWrapper
{
    readonly IPhysicsState? _physics;

    /// <summary>Records the steps of <paramref name="env"/> into <paramref name="history"/>, with physics states when the
    /// history keeps them and an env in the chain provides them.</summary>
    public EpisodeHistoryRecorder(IVectorEnv env, EpisodeHistory history) : base(env)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.NumEnvs != env.NumEnvs)
            throw new ArgumentException($"the history has {history.NumEnvs} envs but the vector env has {env.NumEnvs}: expected the same count", nameof(history));
        History = history;
        _physics = history.PhysicsStateSize > 0 ? EpisodeHistory.FindPhysicsState(env) : null;
    }

    /// <summary>Where the steps go.</summary>
    public EpisodeHistory History { get; }

    /// <inheritdoc/>
    public override void Step(ReadOnlySpan<float> actions)
    {
        History.BeginStep(Inner, _physics);
        Inner.Step(actions);
        History.EndStep(Inner, actions);
    }

    // The recorder itself holds nothing between steps. The history it fills belongs to the preference learner, which
    // saves it in a checkpoint part of its own.
    /// <inheritdoc/>
    protected override void SaveWrapperState(BinaryWriter writer) { }

    /// <inheritdoc/>
    protected override void LoadWrapperState(BinaryReader reader) { }
}
