using System.Runtime.InteropServices;
using Sim.Foundation;

// In the Sim.Core namespace its many callers already import; it lives in Sim.Foundation so that the reward core can save
// its random streams without depending on env types.
namespace Sim.Core;

/// <summary>Length-checked reading and writing of state arrays, random streams and configuration checks, for saved state
/// such as <see cref="IStatefulEnv"/> snapshots and checkpoint parts.</summary>
/// <remarks>
/// Arrays are written as an int32 count and their raw little-endian bytes, and read back into arrays that already
/// exist, so a count that differs is caught with the name of what was being read instead of shifting everything after it.
/// </remarks>
public static class BinaryStateExtensions
{
    /// <summary>Writes <paramref name="values"/> with their count.</summary>
    public static void WriteArray<T>(this BinaryWriter writer, ReadOnlySpan<T> values) where T : unmanaged
    {
        EnsureLittleEndian();
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values));
    }

    /// <summary>Reads values written by <see cref="WriteArray{T}"/> into <paramref name="destination"/>, whose length they must have.</summary>
    /// <param name="reader">The state being read.</param>
    /// <param name="destination">Where the values go.</param>
    /// <param name="what">Names the array in error messages, e.g. <c>TimeLimit elapsed steps</c>.</param>
    public static void ReadArray<T>(this BinaryReader reader, Span<T> destination, string what) where T : unmanaged
    {
        EnsureLittleEndian();
        int count = reader.ReadInt32();
        if (count != destination.Length)
            throw new InvalidDataException($"{what}: the state holds {count} values, expected {destination.Length}");
        var bytes = MemoryMarshal.AsBytes(destination);
        while (bytes.Length > 0)
        {
            int read = reader.Read(bytes);
            if (read == 0) throw new EndOfStreamException($"the state ends inside {what}");
            bytes = bytes[read..];
        }
    }

    /// <summary>Reads flags written by <see cref="WriteArray{T}"/>, rejecting bytes other than 0 and 1 (which are no booleans .NET makes).</summary>
    public static void ReadFlags(this BinaryReader reader, Span<bool> destination, string what)
    {
        var bytes = MemoryMarshal.AsBytes(destination);
        // Read as bytes first: a bool holding 2 would compare unequal to true.
        reader.ReadArray(bytes, what);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] > 1) throw new InvalidDataException($"{what}[{i}] = {bytes[i]}: expected a flag (0 or 1)");
        }
    }

    /// <summary>Reads a boolean, rejecting bytes other than 0 and 1.</summary>
    public static bool ReadFlag(this BinaryReader reader, string what)
    {
        byte b = reader.ReadByte();
        return b <= 1 ? b == 1 : throw new InvalidDataException($"{what} = {b}: expected a flag (0 or 1)");
    }

    /// <summary>Writes a random stream's state, so that <see cref="ReadRandom"/> continues it exactly.</summary>
    public static void WriteRandom(this BinaryWriter writer, in SimRandom random)
    {
        Span<ulong> words = stackalloc ulong[SimRandom.StateWords];
        random.GetState(words);
        writer.WriteArray<ulong>(words);
    }

    /// <summary>Reads a random stream written by <see cref="WriteRandom"/>, rejecting states no seeded stream reaches.</summary>
    public static SimRandom ReadRandom(this BinaryReader reader, string what)
    {
        Span<ulong> words = stackalloc ulong[SimRandom.StateWords];
        reader.ReadArray(words, what);
        try
        {
            return SimRandom.FromState(words);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{what}: {e.Message}", e);
        }
    }

    /// <summary>Reads an int32 that must equal <paramref name="expected"/> (a size or setting of the configuration).</summary>
    public static void ExpectInt32(this BinaryReader reader, int expected, string what)
    {
        int found = reader.ReadInt32();
        if (found != expected) throw new InvalidDataException($"{what}: the state has {found}, expected {expected}");
    }

    /// <summary>Reads a double that must equal <paramref name="expected"/> bit for bit (a setting of the configuration).</summary>
    public static void ExpectDouble(this BinaryReader reader, double expected, string what)
    {
        double found = reader.ReadDouble();
        if (BitConverter.DoubleToInt64Bits(found) != BitConverter.DoubleToInt64Bits(expected))
            throw new InvalidDataException($"{what}: the state has {found:R}, expected {expected:R}");
    }

    /// <summary>Reads a string that must equal <paramref name="expected"/> (a type or key name).</summary>
    public static void ExpectString(this BinaryReader reader, string expected, string what)
    {
        string found = reader.ReadString();
        if (!string.Equals(found, expected, StringComparison.Ordinal))
            throw new InvalidDataException($"{what}: the state has {found}, expected {expected}");
    }

    static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("env states are written as raw little-endian arrays; this machine is big-endian");
    }
}
