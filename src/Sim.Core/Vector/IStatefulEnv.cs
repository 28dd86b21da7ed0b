namespace Sim.Core;

/// <summary>A vector env or wrapper whose complete state can be written to a stream and restored exactly, for resumable training.</summary>
/// <remarks>
/// A state is restored into a freshly built chain of the same configuration (same env type and options, same
/// wrappers in the same order); stepping it afterwards gives bitwise the observations, rewards, flags and infos the
/// original chain would have given. Call between steps, from the thread that steps the env. Wrappers write their
/// inner env's state first, then their own. Use <see cref="EnvState"/> to save a whole chain with a checksum.
/// </remarks>
public interface IStatefulEnv
{
    /// <summary>Writes the complete state of this env (and of everything it wraps) to <paramref name="writer"/>.</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>Replaces the state of this env (and of everything it wraps) with one written by <see cref="SaveState"/>;
    /// a state of another configuration is an <see cref="InvalidDataException"/> naming what differs. After a failed load
    /// the state is undefined: <see cref="EnvState.Load"/> restores the previous one.</summary>
    void LoadState(BinaryReader reader);
}
