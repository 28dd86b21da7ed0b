using Sim.Foundation;
using Sim.Rewards.Preferences;

namespace Sim.Rewards.Segments;

/// <summary>Somewhere random fixed-length segments can be drawn from, such as the recent-episode history or recorded trajectories.</summary>
public interface ISegmentSource
{
    /// <summary>Steps H in every segment this source returns.</summary>
    int SegmentLength { get; }

    /// <summary>A new segment, drawn uniformly over every H-step window that lies inside one episode.</summary>
    /// <exception cref="InvalidOperationException">No episode is at least H steps long.</exception>
    Segment SampleSegment(ref SimRandom random);
}
