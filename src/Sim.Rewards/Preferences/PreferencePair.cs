namespace Sim.Rewards.Preferences;

/// <summary>Two items shown together for one preference query: robot segments, token sequences, or anything a reward
/// model scores.</summary>
/// <param name="Id">Identifier unique within a label store; the store assigns it when the pair is added.</param>
/// <param name="Left">The item shown on the left.</param>
/// <param name="Right">The item shown on the right.</param>
public sealed record PreferencePair<TItem>(long Id, TItem Left, TItem Right);
