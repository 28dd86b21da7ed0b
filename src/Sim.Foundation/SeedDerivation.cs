namespace Sim.Foundation;

/// <summary>The one way a seed is derived from another: every component that needs its own random stream (an ensemble
/// member, a teacher, a sampler, a held-out set) asks for <c>Derive(seed, stream)</c> with its own named stream.</summary>
/// <remarks>
/// Ad-hoc salts such as <c>seed + 1</c> or <c>seed ^ 0xC0FFEE</c> make streams collide: seed 1's "+1" stream is seed 2's
/// base stream. SplitMix64 over <c>seed + stream·φ</c> (φ = 2⁶⁴ / golden ratio, Steele et al. 2014) maps nearby seeds and
/// nearby stream numbers to unrelated 64-bit values, so no two (seed, stream) pairs in practical use share a stream.
/// The constants are fixed forever: changing them changes every derived stream and so every recorded run.
/// </remarks>
public static class SeedDerivation
{
    /// <summary>The seed of stream <paramref name="stream"/> derived from <paramref name="seed"/>.</summary>
    public static ulong Derive(ulong seed, ulong stream)
    {
        ulong x = seed + stream * 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>The seed of the stream named <paramref name="streamName"/> (e.g. <c>"teacher"</c>): the name is hashed
    /// with FNV-1a, which is stable across processes and .NET versions, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static ulong Derive(ulong seed, string streamName)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in streamName)
        {
            hash ^= c;
            hash *= 0x100000001B3UL;
        }
        return Derive(seed, hash);
    }

    /// <summary><see cref="Derive(ulong, string)"/> folded to a non-negative 31-bit int, for APIs that take an <see cref="int"/> seed.</summary>
    public static int DeriveInt32(ulong seed, string streamName) => (int)(Derive(seed, streamName) >> 33);
}
