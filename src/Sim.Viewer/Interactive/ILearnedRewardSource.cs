namespace Sim.Viewer.Interactive;

/// <summary>A learned reward the viewer shows next to the env's true reward: one value per (observation, action) row.</summary>
/// <remarks>Implemented outside the viewer (it needs a learning library); called on the viewer's thread only.</remarks>
public interface ILearnedRewardSource : IDisposable
{
    /// <summary>Short name for the overlay, e.g. the reward model's file name.</summary>
    string Name { get; }

    /// <summary>Writes the learned reward of each row of raw <paramref name="observations"/> (<c>[rows × obs size]</c>) and
    /// <paramref name="actions"/> (<c>[rows × action size]</c>) into <paramref name="rewards"/> (<c>[rows]</c>).</summary>
    void Rewards(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, Span<float> rewards);
}
