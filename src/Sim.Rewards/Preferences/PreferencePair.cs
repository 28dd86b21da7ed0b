namespace Sim.Rewards.Preferences;

/// <summary>Two segments shown together for one preference query.</summary>
/// <param name="Id">Identifier unique within a label store; the store assigns it when the pair is added.</param>
/// <param name="Left">The segment shown on the left.</param>
/// <param name="Right">The segment shown on the right.</param>
public sealed record PreferencePair(long Id, Segment Left, Segment Right);
