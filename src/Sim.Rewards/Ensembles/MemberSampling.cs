namespace Sim.Rewards.Ensembles;

/// <summary>How each ensemble member draws its training pairs, which is what makes the members disagree.</summary>
public enum MemberSampling
{
    /// <summary>Every member sees all training pairs, in its own order each epoch (PEBBLE).</summary>
    Shuffle,

    /// <summary>Every member sees its own bootstrap sample (as many pairs, drawn with replacement) each training round,
    /// in its own order each epoch (Christiano et al.).</summary>
    Bootstrap,
}
