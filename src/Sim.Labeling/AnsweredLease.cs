using Sim.Rewards.Preferences;

namespace Sim.Labeling;

/// <summary>A lease whose answer was just stored: its id, the canonical label, the label's id in the store and when it was given.</summary>
readonly record struct AnsweredLease(long LeaseId, PreferenceLabel Label, long LabelId, DateTimeOffset At);
