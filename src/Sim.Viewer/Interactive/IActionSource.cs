namespace Sim.Viewer.Interactive;

/// <summary>Chooses the actions of every env of a vector env the viewer runs live: a learned policy, or random actions.</summary>
/// <remarks>Kept free of any learning library, so the viewer (and its tests) never load one; the command line supplies
/// policy-backed implementations. Called on the viewer's thread only.</remarks>
public interface IActionSource : IDisposable
{
    /// <summary>What drives the envs, for the overlay (e.g. <c>random actions</c>, <c>ppo checkpoint 50,000</c>).</summary>
    string Description { get; }

    /// <summary>Writes the actions of <paramref name="numEnvs"/> envs (<c>[numEnvs × action size]</c>) for their raw
    /// observations (<c>[numEnvs × observation size]</c>, the env's own, unnormalised).</summary>
    void Act(ReadOnlySpan<float> observations, int numEnvs, Span<float> actions);
}
