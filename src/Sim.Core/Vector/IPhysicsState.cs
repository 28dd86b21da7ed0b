namespace Sim.Core;

/// <summary>A vector env whose per-env physics state can be read and written exactly, for recording and replay.</summary>
/// <remarks>The state layout is <c>[time, qpos (nq), qvel (nv), act (na)]</c> as doubles: enough to restore a MuJoCo
/// simulation bit for bit and render it later.</remarks>
public interface IPhysicsState
{
    /// <summary>Doubles per env in a state vector.</summary>
    int PhysicsStateSize { get; }

    /// <summary>Copies env <paramref name="env"/>'s current state into <paramref name="destination"/>.</summary>
    void GetPhysicsState(int env, Span<double> destination);

    /// <summary>Restores env <paramref name="env"/> to <paramref name="state"/> and recomputes derived quantities.</summary>
    void SetPhysicsState(int env, ReadOnlySpan<double> state);

    /// <summary>Copies the last state of the episode env <paramref name="env"/> ended on the last step (valid where Terminated
    /// or Truncated), which a same-step autoreset has already replaced; false when the env cannot provide it.</summary>
    bool TryGetFinalPhysicsState(int env, Span<double> destination) => false;
}
