namespace Sim.Learning.Replay;

/// <summary>Which achieved goal hindsight replay substitutes for a transition's desired goal (Andrychowicz et al. 2017).</summary>
public enum HindsightStrategy
{
    /// <summary>The goal achieved at a uniformly drawn step of the same episode, this one or a later one.</summary>
    Future,

    /// <summary>The goal achieved at the episode's last step (the latest so far while it runs).</summary>
    Final,

    /// <summary>The goal achieved at a uniformly drawn step anywhere in the same episode.</summary>
    Episode,
}
