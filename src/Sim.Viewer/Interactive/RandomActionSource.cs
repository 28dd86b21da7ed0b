using Sim.Foundation;
using Sim.Core.Spaces;

namespace Sim.Viewer.Interactive;

/// <summary>Uniformly random actions from the action space, seeded, for watching an env without a trained policy.</summary>
public sealed class RandomActionSource(Space actionSpace, ulong seed) : IActionSource
{
    readonly Space _space = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
    SimRandom _rng = new(seed);

    public string Description => "random actions";

    public void Act(ReadOnlySpan<float> observations, int numEnvs, Span<float> actions)
    {
        int size = _space.FlatSize;
        if (actions.Length != numEnvs * size)
            throw new ArgumentException($"actions has {actions.Length} floats, expected {numEnvs} envs x {size}", nameof(actions));
        for (int i = 0; i < numEnvs; i++) _space.Sample(ref _rng, actions.Slice(i * size, size));
    }

    public void Dispose() { }
}
