using Sim.Foundation;
using Sim.Rewards.Robot.Dynamics;

namespace Sim.Learning.Tests.Rewards.Dynamics;

/// <summary>Transitions of a toy linear system s′ = A s + B a with fixed random A and B, from Gaussian states and actions.</summary>
internal sealed class LinearSystem : ITransitionSource
{
    readonly float[] _states;
    readonly float[] _actions;
    readonly float[] _next;

    public LinearSystem(int transitions, ulong seed, int observationSize = 4, int actionSize = 2)
    {
        ObservationSize = observationSize;
        ActionSize = actionSize;
        TransitionCount = transitions;
        var random = new SimRandom(SeedDerivation.Derive(seed, "linear-system"));
        var a = Gaussians(observationSize * observationSize, ref random, 0.5);
        var b = Gaussians(observationSize * actionSize, ref random, 0.5);
        _states = Gaussians(transitions * observationSize, ref random, 1);
        _actions = Gaussians(transitions * actionSize, ref random, 1);
        _next = new float[transitions * observationSize];
        for (int t = 0; t < transitions; t++)
            for (int i = 0; i < observationSize; i++)
            {
                double value = 0;
                for (int j = 0; j < observationSize; j++) value += a[i * observationSize + j] * _states[t * observationSize + j];
                for (int j = 0; j < actionSize; j++) value += b[i * actionSize + j] * _actions[t * actionSize + j];
                _next[t * observationSize + i] = (float)value;
            }
    }

    public int ObservationSize { get; }

    public int ActionSize { get; }

    public int TransitionCount { get; }

    public void CopyTransitions(Span<float> states, Span<float> actions, Span<float> nextStates)
    {
        _states.CopyTo(states);
        _actions.CopyTo(actions);
        _next.CopyTo(nextStates);
    }

    static float[] Gaussians(int count, ref SimRandom random, double scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(scale * random.NextGaussian());
        return values;
    }
}
