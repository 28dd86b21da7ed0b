using System.Runtime.CompilerServices;

namespace Sim.Foundation;

/// <summary>A small, copyable xoshiro256** generator: one per env, so streams do not depend on threading.</summary>
/// <remarks>
/// System.Random is a class (one allocation and an indirection per env) and its seeded algorithm
/// is not specified across .NET versions; trajectories must be bitwise reproducible, so we own the algorithm.
/// </remarks>
public struct SimRandom
{
    ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the four state words from <paramref name="seed"/> through SplitMix64, as the xoshiro authors recommend.</summary>
    public SimRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>Number of 64-bit words in the generator's state.</summary>
    public const int StateWords = 4;

    /// <summary>Copies the state words into <paramref name="words"/>, so that <see cref="FromState"/> can continue the stream exactly.</summary>
    public readonly void GetState(Span<ulong> words)
    {
        if (words.Length != StateWords)
            throw new ArgumentException($"state destination has {words.Length} words, expected {StateWords}", nameof(words));
        words[0] = _s0;
        words[1] = _s1;
        words[2] = _s2;
        words[3] = _s3;
    }

    /// <summary>A generator that continues exactly where the one whose <see cref="GetState"/> gave <paramref name="words"/> stopped.</summary>
    public static SimRandom FromState(ReadOnlySpan<ulong> words)
    {
        if (words.Length != StateWords)
            throw new ArgumentException($"state has {words.Length} words, expected {StateWords}", nameof(words));
        // xoshiro maps the all-zero state to itself forever, and no seed leads to it.
        if ((words[0] | words[1] | words[2] | words[3]) == 0)
            throw new ArgumentException("state words are all zero: no seeded generator reaches that state", nameof(words));
        SimRandom rng = default;
        rng._s0 = words[0];
        rng._s1 = words[1];
        rng._s2 = words[2];
        rng._s3 = words[3];
        return rng;
    }

    static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitRotate(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 45);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong BitRotate(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform double in [low, high).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n), without modulo bias.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "upper bound must be positive");
        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates, from the last element down), one draw per element but the first.</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>Standard normal sample (Box–Muller; one value per call, so the stream stays simple to reason about).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
