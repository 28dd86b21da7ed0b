using Sim.Foundation;

namespace Sim.Core.Spaces;

/// <summary>The set of valid observations or actions of one env, flattened to <see cref="FlatSize"/> floats.</summary>
public abstract class Space
{
    SimRandom _rng = new(0);

    /// <summary>Number of floats one element occupies in a batch buffer row.</summary>
    public abstract int FlatSize { get; }

    /// <summary>Reseeds the generator used by <see cref="Sample(Span{float})"/>.</summary>
    public void Seed(ulong seed) => _rng = new SimRandom(seed);

    /// <summary>Writes one random element into <paramref name="destination"/> using this space's own generator.</summary>
    public void Sample(Span<float> destination) => Sample(ref _rng, destination);

    /// <summary>Writes one random element into <paramref name="destination"/> using <paramref name="rng"/>.</summary>
    public abstract void Sample(ref SimRandom rng, Span<float> destination);

    /// <summary>Whether <paramref name="value"/> is an element of this space.</summary>
    public abstract bool Contains(ReadOnlySpan<float> value);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad value of env <paramref name="env"/>'s action row.</summary>
    public abstract void ValidateAction(ReadOnlySpan<float> row, int env);

    /// <summary>Fast check of a whole batch of action rows; false means "look row by row" (the default),
    /// so only the rare bad batch pays for <see cref="ValidateAction"/>'s per-row messages.</summary>
    public virtual bool AllValidActions(ReadOnlySpan<float> batch) => false;

    protected void CheckLength(ReadOnlySpan<float> value, string what)
    {
        if (value.Length != FlatSize)
            throw new ArgumentException($"{what} has length {value.Length}, expected {FlatSize} for {this}");
    }
}
