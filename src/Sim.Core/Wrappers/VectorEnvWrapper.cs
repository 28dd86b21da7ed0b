using Sim.Core.Spaces;
using Sim.Core;

namespace Sim.Core.Wrappers;

/// <summary>Base of wrappers: forwards everything to the inner env, so each wrapper overrides only what it changes.</summary>
public abstract class VectorEnvWrapper : IVectorEnv, IStatefulEnv
{
    /// <summary>Wraps <paramref name="inner"/>; disposing the wrapper disposes it.</summary>
    protected VectorEnvWrapper(IVectorEnv inner) => Inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The wrapped env.</summary>
    public IVectorEnv Inner { get; }

    public int NumEnvs => Inner.NumEnvs;
    public virtual Space SingleObservationSpace => Inner.SingleObservationSpace;
    public virtual Space SingleActionSpace => Inner.SingleActionSpace;
    public AutoresetMode AutoresetMode => Inner.AutoresetMode;
    public StepInfos Infos => Inner.Infos;
    public virtual void Reset(ulong? seed = null) => Inner.Reset(seed);
    public virtual void Step(ReadOnlySpan<float> actions) => Inner.Step(actions);
    public virtual void Truncate(int env) => Inner.Truncate(env);
    public virtual ReadOnlySpan<float> Observations => Inner.Observations;
    public virtual ReadOnlySpan<float> Rewards => Inner.Rewards;
    public ReadOnlySpan<bool> Terminated => Inner.Terminated;
    public virtual ReadOnlySpan<bool> Truncated => Inner.Truncated;
    public virtual ReadOnlySpan<float> FinalObservations => Inner.FinalObservations;
    public ReadOnlySpan<bool> EpisodeStarted => Inner.EpisodeStarted;

    /// <summary>The first wrapper or env of type <typeparamref name="T"/> in this chain, or null.</summary>
    public T? Find<T>() where T : class, IVectorEnv
    {
        IVectorEnv? current = this;
        while (current != null)
        {
            if (current is T match) return match;
            current = (current as VectorEnvWrapper)?.Inner;
        }
        return null;
    }

    /// <summary>Writes the inner env's state, this wrapper's type name (so a differently built chain is caught), then
    /// this wrapper's own state through <see cref="SaveWrapperState"/>.</summary>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        StatefulInner.SaveState(writer);
        writer.Write(GetType().FullName!);
        SaveWrapperState(writer);
    }

    /// <summary>Restores a state written by <see cref="SaveState"/> of a chain built the same way.</summary>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StatefulInner.LoadState(reader);
        reader.ExpectString(GetType().FullName!, $"wrapper around {Inner.GetType().Name}");
        LoadWrapperState(reader);
    }

    /// <summary>Writes this wrapper's own state (counters, statistics, output buffers); its info columns are saved by the env that owns the table.</summary>
    /// <remarks>There is no default: a wrapper that forgets its state would resume wrongly without a word. A wrapper
    /// with no state of its own overrides both hooks with empty bodies.</remarks>
    protected virtual void SaveWrapperState(BinaryWriter writer) =>
        throw new NotSupportedException($"{GetType().FullName} cannot save its state: it must override SaveWrapperState and LoadWrapperState");

    /// <summary>Reads what <see cref="SaveWrapperState"/> wrote, after the inner env's state has been restored.</summary>
    protected virtual void LoadWrapperState(BinaryReader reader) =>
        throw new NotSupportedException($"{GetType().FullName} cannot load its state: it must override SaveWrapperState and LoadWrapperState");

    IStatefulEnv StatefulInner => Inner as IStatefulEnv
        ?? throw new NotSupportedException($"{Inner.GetType().FullName} cannot save or load its state: it does not implement {nameof(IStatefulEnv)}");

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
    }
}
