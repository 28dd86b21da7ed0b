namespace Sim.Labeling;

/// <summary>What the page shows under one clip: the segment's steps and its caption runs (none for an env without captions).</summary>
/// <param name="Steps">Steps in the segment, which the clip plays from start to end.</param>
/// <param name="Runs">Its event captions, in order.</param>
public sealed record SegmentCaptions(int Steps, IReadOnlyList<CaptionRun> Runs);
