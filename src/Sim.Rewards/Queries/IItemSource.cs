using Sim.Foundation;

namespace Sim.Rewards.Queries;

/// <summary>Somewhere random items can be drawn from to build queries: recent-episode segments, recorded trajectories,
/// a pool of generated token sequences.</summary>
public interface IItemSource<out TItem>
{
    /// <summary>A new item drawn at random.</summary>
    /// <exception cref="InvalidOperationException">The source has nothing to draw from yet.</exception>
    TItem Sample(ref SimRandom random);
}
