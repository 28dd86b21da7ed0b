namespace Sim.Labeling;

/// <summary>A pair as one labeler is shown it: leased to them until <see cref="ExpiresAt"/>, with the side each clip is on.</summary>
/// <param name="LeaseId">The lease, which the answer names.</param>
/// <param name="PairId">The stored pair.</param>
/// <param name="Flipped">True when the pair's right item is shown on the left.</param>
/// <param name="LeftClip">Content id of the clip shown on the left.</param>
/// <param name="RightClip">Content id of the clip shown on the right.</param>
/// <param name="ExpiresAt">When another labeler may be given the pair.</param>
public sealed record LeasedPair(long LeaseId, long PairId, bool Flipped, string LeftClip, string RightClip, DateTimeOffset ExpiresAt);
