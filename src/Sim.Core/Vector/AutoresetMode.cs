namespace Sim.Core;

/// <summary>When a vector env resets a sub-env whose episode ended (Gymnasium 1.x semantics).</summary>
public enum AutoresetMode
{
    /// <summary>Gymnasium's default: the step after an episode ends ignores that env's action,
    /// resets it and returns its first observation with reward 0 and no end flags.</summary>
    NextStep,

    /// <summary>The env resets within the step that ended the episode: the returned observation is the
    /// new episode's first, and the last one is in <see cref="IVectorEnv.FinalObservations"/>.</summary>
    SameStep,
}
