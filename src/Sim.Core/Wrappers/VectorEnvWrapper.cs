using Sim.Core.Spaces;
using Sim.Core;

namespace Sim.Core.Wrappers;

/// <summary>Base of wrappers: forwards everything to the inner env, so each wrapper overrides only what it changes.</summary>
public abstract class VectorEnvWrapper : IVectorEnv
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
