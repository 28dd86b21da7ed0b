using Sim.Foundation;
using System.IO.Hashing;
using System.Buffers.Binary;
using System.Text;

namespace Sim.Core.Statistics;

/// <summary>Reads and writes <see cref="RunningMeanStd"/> in a small versioned, checksummed binary format.</summary>
/// <remarks>
/// Layout (little-endian): the 8 bytes <c>SIMSTATS</c>, a uint16 version, a byte-prefixed UTF-8 kind
/// (what the statistics describe, e.g. <c>observation</c>), an int32 size, the double count, <c>size</c>
/// doubles of mean, <c>size</c> doubles of variance, and a 64-bit FNV-1a hash of everything before it.
/// The kind and size are checked on load so that reward statistics are never applied to observations,
/// and the hash catches bit rot that would otherwise yield plausible but wrong numbers.
/// </remarks>
public static class RunningStatsFile
{
    /// <summary>The format version this build writes and reads.</summary>
    public const ushort Version = 1;

    const int MaxSize = 1 << 24;
    static ReadOnlySpan<byte> Magic => "SIMSTATS"u8;

    /// <summary>Writes <paramref name="stats"/> to <paramref name="path"/> atomically: a crash leaves the old file or the new one, never half of one.</summary>
    public static void Save(string path, string kind, RunningMeanStd stats)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, Encode(kind, stats));
    }

    /// <summary>Loads statistics of <paramref name="kind"/> from <paramref name="path"/> into <paramref name="into"/>;
    /// a missing, foreign, corrupt or mismatched file is an <see cref="InvalidDataException"/> naming the file and the problem.</summary>
    public static void Load(string path, string kind, RunningMeanStd into)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"statistics file '{path}' does not exist", path);
        Decode(File.ReadAllBytes(path), path, kind, into);
    }

    /// <summary>Writes <paramref name="stats"/> to <paramref name="stream"/>, e.g. inside a checkpoint.</summary>
    public static void Write(Stream stream, string kind, RunningMeanStd stats)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encode(kind, stats));
    }

    /// <summary>Reads statistics written by <see cref="Write"/> from the rest of <paramref name="stream"/>;
    /// <paramref name="source"/> names the stream in error messages.</summary>
    public static void Read(Stream stream, string source, string kind, RunningMeanStd into)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        Decode(buffer.ToArray(), source, kind, into);
    }

    static int HeaderLength(int kindBytes) => Magic.Length + sizeof(ushort) + 1 + kindBytes + sizeof(int) + sizeof(double);

    static byte[] Encode(string kind, RunningMeanStd stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var kindBytes = KindBytes(kind);
        int length = HeaderLength(kindBytes.Length) + 2 * stats.Size * sizeof(double) + sizeof(ulong);
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        int at = Magic.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], Version);
        at += sizeof(ushort);
        span[at++] = (byte)kindBytes.Length;
        kindBytes.CopyTo(span[at..]);
        at += kindBytes.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], stats.Size);
        at += sizeof(int);
        BinaryPrimitives.WriteDoubleLittleEndian(span[at..], stats.Count);
        at += sizeof(double);
        foreach (double m in stats.Mean) { BinaryPrimitives.WriteDoubleLittleEndian(span[at..], m); at += sizeof(double); }
        foreach (double v in stats.Variance) { BinaryPrimitives.WriteDoubleLittleEndian(span[at..], v); at += sizeof(double); }
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], XxHash64.HashToUInt64(span[..at]));
        return bytes;
    }

    static void Decode(ReadOnlySpan<byte> bytes, string source, string kind, RunningMeanStd into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var expectedKind = KindBytes(kind);
        if (bytes.Length < Magic.Length || !bytes[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException($"'{source}' is not a statistics file: expected it to start with 'SIMSTATS'");
        int at = Magic.Length;
        if (bytes.Length < at + sizeof(ushort) + 1)
            throw new InvalidDataException($"'{source}' is truncated: it ends inside the header ({bytes.Length} bytes)");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
        at += sizeof(ushort);
        if (version != Version)
            throw new InvalidDataException($"'{source}' has statistics format version {version}; this build reads version {Version}");
        int kindLength = bytes[at++];
        if (bytes.Length < HeaderLength(kindLength))
            throw new InvalidDataException($"'{source}' is truncated: it ends inside the header ({bytes.Length} bytes)");
        var storedKind = bytes.Slice(at, kindLength);
        at += kindLength;
        int size = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        at += sizeof(int);
        if (size < 1 || size > MaxSize)
            throw new InvalidDataException($"'{source}' is corrupt: statistics size {size} is outside [1, {MaxSize}]");
        long expectedLength = HeaderLength(kindLength) + 2L * size * sizeof(double) + sizeof(ulong);
        if (bytes.Length < expectedLength)
            throw new InvalidDataException($"'{source}' is truncated: {bytes.Length} bytes, expected {expectedLength} for {size} components");
        if (bytes.Length > expectedLength)
            throw new InvalidDataException($"'{source}' is corrupt: {bytes.Length} bytes, expected {expectedLength} for {size} components");
        int body = (int)expectedLength - sizeof(ulong);
        ulong storedHash = BinaryPrimitives.ReadUInt64LittleEndian(bytes[body..]);
        if (storedHash != XxHash64.HashToUInt64(bytes[..body]))
            throw new InvalidDataException($"'{source}' is corrupt: its checksum does not match its contents");
        if (!storedKind.SequenceEqual(expectedKind))
            throw new InvalidDataException($"'{source}' holds {Encoding.UTF8.GetString(storedKind)} statistics, expected {kind} statistics");
        if (size != into.Size)
            throw new InvalidDataException($"'{source}' holds statistics of {size} components, expected {into.Size}");
        double count = BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]);
        at += sizeof(double);
        var mean = new double[size];
        var variance = new double[size];
        for (int d = 0; d < size; d++, at += sizeof(double)) mean[d] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]);
        for (int d = 0; d < size; d++, at += sizeof(double)) variance[d] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]);
        try
        {
            into.Set(count, mean, variance);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{source}' holds invalid statistics: {e.Message}", e);
        }
    }

    static byte[] KindBytes(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var bytes = Encoding.UTF8.GetBytes(kind);
        if (bytes.Length > byte.MaxValue) throw new ArgumentException($"statistics kind '{kind}' is {bytes.Length} bytes, expected at most 255", nameof(kind));
        return bytes;
    }
}
