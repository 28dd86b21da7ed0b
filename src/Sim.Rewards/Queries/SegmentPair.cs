using Sim.Rewards.Preferences;

namespace Sim.Rewards.Queries;

/// <summary>Two segments proposed as a query, before a label store has given the pair an id.</summary>
/// <param name="Left">The segment to show on the left.</param>
/// <param name="Right">The segment to show on the right.</param>
public readonly record struct SegmentPair(Segment Left, Segment Right);
