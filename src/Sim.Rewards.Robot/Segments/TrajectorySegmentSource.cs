using Sim.Foundation;
using Sim.Core.Trajectories;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Robot;

/// <summary>Draws random segments from a fixed set of recorded trajectories (e.g. a demonstration or rollout file).</summary>
public sealed class TrajectorySegmentSource : IItemSource<Segment>
{
    readonly Trajectory[] _trajectories;
    readonly long[] _cumulativeStarts;
    readonly string _source;

    /// <summary>A source over <paramref name="trajectories"/>; trajectories shorter than <paramref name="segmentLength"/> are skipped.</summary>
    /// <param name="trajectories">Recorded episodes, all of one env.</param>
    /// <param name="source">Provenance written into every segment, e.g. the file name.</param>
    /// <param name="segmentLength">Steps H per segment.</param>
    /// <exception cref="ArgumentException">No trajectory has at least H steps.</exception>
    public TrajectorySegmentSource(IReadOnlyList<Trajectory> trajectories, string source, int segmentLength = TrajectorySegments.DefaultLength)
    {
        ArgumentNullException.ThrowIfNull(trajectories);
        ArgumentNullException.ThrowIfNull(source);
        if (segmentLength < 1)
            throw new ArgumentOutOfRangeException(nameof(segmentLength), segmentLength, $"segment length is {segmentLength}: expected at least 1");
        var kept = new List<Trajectory>();
        int longest = 0;
        for (int i = 0; i < trajectories.Count; i++)
        {
            var t = trajectories[i] ?? throw new ArgumentException($"trajectories[{i}] is null", nameof(trajectories));
            longest = Math.Max(longest, t.Steps);
            if (t.Steps >= segmentLength) kept.Add(t);
        }
        if (kept.Count == 0)
            throw new ArgumentException(
                $"none of the {trajectories.Count} trajectories from '{source}' has at least {segmentLength} steps (the longest has {longest}): "
                + "expected at least one as long as the segment length", nameof(trajectories));
        _trajectories = [.. kept];
        _cumulativeStarts = new long[_trajectories.Length];
        long total = 0;
        for (int i = 0; i < _trajectories.Length; i++)
        {
            total += _trajectories[i].Steps - segmentLength + 1;
            _cumulativeStarts[i] = total;
        }
        _source = source;
        SegmentLength = segmentLength;
    }

    /// <summary>Steps H in every segment this source returns.</summary>
    public int SegmentLength { get; }

    Segment IItemSource<Segment>.Sample(ref SimRandom random) => SampleSegment(ref random);

    /// <summary>Number of trajectories at least H steps long.</summary>
    public int UsableTrajectoryCount => _trajectories.Length;

    /// <summary>A new segment, drawn uniformly over every H-step window that lies inside one episode.</summary>
    /// <exception cref="InvalidOperationException">No episode is at least H steps long.</exception>
    public Segment SampleSegment(ref SimRandom random)
    {
        long total = _cumulativeStarts[^1];
        long pick = (long)(random.NextDouble() * total);
        if (pick >= total) pick = total - 1;
        int index = Array.BinarySearch(_cumulativeStarts, pick + 1);
        if (index < 0) index = ~index;
        long before = index == 0 ? 0 : _cumulativeStarts[index - 1];
        return TrajectorySegments.Cut(_trajectories[index], (int)(pick - before), SegmentLength, _source);
    }
}
