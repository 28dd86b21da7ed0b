using Sim.Foundation;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Sim.Learning.Replay;

/// <summary>The on-disk format of a <see cref="ReplayBuffer"/>: a versioned header followed by its columns as raw little-endian arrays.</summary>
/// <remarks>
/// <para>Header (64 bytes, little-endian): magic <c>"SIMRPLY\0"</c>; u32 format version; u32 header size;
/// i32 capacity, observation size, action size, count, position; i32 reserved (0); i64 transitions added;
/// u32 CRC-32 of the payload; 8 reserved bytes (0); u32 CRC-32 of the 60 bytes before it.</para>
/// <para>Payload: the first <c>count</c> rows of each column in storage order — observations (f32), actions (f32),
/// rewards (f32), next observations (f32), terminated flags (one byte, 0 or 1) — so that a loaded buffer has the
/// same rows, position and sampling behaviour as the saved one. Only held rows are written, so a buffer that is
/// mostly empty makes a small file.</para>
/// <para>Files are written to a temporary name in the same directory and renamed into place, so a reader sees the
/// old file or the complete new one, and a crash mid-write leaves the old file intact. The same bytes can be written
/// to and read from any stream (a checkpoint part, for instance), which need not be seekable.</para>
/// </remarks>
public static class ReplayBufferFile
{
    /// <summary>The format version this build writes.</summary>
    public const uint CurrentVersion = 1;

    /// <summary>Bytes before the payload.</summary>
    public const int HeaderSize = 64;

    private const int HeaderCrcOffset = 60;
    // Floats per read or write, so that no byte span exceeds int range however large the buffer is.
    private const int ChunkFloats = 1 << 16;
    private const string StreamSource = "replay buffer stream";

    /// <summary>The 8 bytes every replay buffer file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "SIMRPLY\0"u8;

    /// <summary>Writes <paramref name="buffer"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReplayBuffer buffer)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(buffer);
        AtomicFile.Write(path, stream => Write(stream, buffer));
    }

    /// <summary>Writes <paramref name="buffer"/> in this format to <paramref name="stream"/> at its current position.</summary>
    public static void Write(Stream stream, ReplayBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(buffer);
        // The header carries the payload checksum, so the payload is hashed in a first pass rather than by seeking
        // back, which lets the stream be any stream.
        var crc = new Crc32();
        WritePayload(buffer, crc, null);

        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], buffer.Capacity);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], buffer.ObservationSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], buffer.ActionSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], buffer.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], buffer.Position);
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], buffer.TotalAdded);
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderCrcOffset..], Crc32.HashToUInt32(header[..HeaderCrcOffset]));
        stream.Write(header);
        WritePayload(buffer, null, stream);
        stream.Flush();
    }

    // Feeds the payload bytes to the checksum, the stream, or both.
    private static void WritePayload(ReplayBuffer buffer, Crc32? crc, Stream? stream)
    {
        int count = buffer.Count;
        byte[]? swapped = BitConverter.IsLittleEndian ? null : new byte[ChunkFloats * sizeof(float)];
        WriteFloats(buffer.ObservationStorage.AsSpan(0, count * buffer.ObservationSize), crc, stream, swapped);
        WriteFloats(buffer.ActionStorage.AsSpan(0, count * buffer.ActionSize), crc, stream, swapped);
        WriteFloats(buffer.RewardStorage.AsSpan(0, count), crc, stream, swapped);
        WriteFloats(buffer.NextObservationStorage.AsSpan(0, count * buffer.ObservationSize), crc, stream, swapped);
        var flags = MemoryMarshal.AsBytes(buffer.TerminatedStorage.AsSpan(0, count));
        crc?.Append(flags);
        stream?.Write(flags);
    }

    private static void WriteFloats(ReadOnlySpan<float> values, Crc32? crc, Stream? stream, byte[]? swapped)
    {
        for (int start = 0; start < values.Length; start += ChunkFloats)
        {
            var chunk = values.Slice(start, Math.Min(ChunkFloats, values.Length - start));
            ReadOnlySpan<byte> bytes;
            if (swapped is null)
            {
                bytes = MemoryMarshal.AsBytes(chunk);
            }
            else
            {
                for (int i = 0; i < chunk.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(swapped.AsSpan(i * sizeof(float)), chunk[i]);
                bytes = swapped.AsSpan(0, chunk.Length * sizeof(float));
            }
            crc?.Append(bytes);
            stream?.Write(bytes);
        }
    }

    /// <summary>Reads the buffer in <paramref name="path"/>; batches will be sampled onto <paramref name="device"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a replay buffer file, has an unsupported version, or is truncated or corrupt;
    /// the message names the file and the problem.</exception>
    public static ReplayBuffer Read(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Read(stream, device, $"replay buffer file '{path}'");
    }

    /// <summary>Reads a buffer written by <see cref="Write(Stream, ReplayBuffer)"/> from <paramref name="stream"/>'s current
    /// position; batches will be sampled onto <paramref name="device"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a replay buffer, have an unsupported version, or are truncated or corrupt.</exception>
    public static ReplayBuffer Read(Stream stream, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Read(stream, device, StreamSource);
    }

    /// <summary>Replaces the contents of <paramref name="buffer"/> with a buffer of the same capacity and row sizes read
    /// from <paramref name="stream"/>, reusing its memory (so a buffer others hold a reference to is restored in place).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a replay buffer, are truncated or corrupt, or hold a buffer of
    /// another shape. After a failure <paramref name="buffer"/> holds its old rows (a bad header) or none (bad rows), never a mixture.</exception>
    public static void ReadInto(Stream stream, ReplayBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(buffer);
        var header = ReadHeader(stream, StreamSource);
        if (header.Capacity != buffer.Capacity || header.ObservationSize != buffer.ObservationSize || header.ActionSize != buffer.ActionSize)
            throw Problem(StreamSource, $"it holds a buffer of capacity {header.Capacity} with {header.ObservationSize} observation and " +
                $"{header.ActionSize} action floats per row, but the buffer to restore has capacity {buffer.Capacity} with " +
                $"{buffer.ObservationSize} and {buffer.ActionSize}");
        try
        {
            ReadPayload(stream, header, buffer, StreamSource);
        }
        catch
        {
            buffer.Clear();
            throw;
        }
    }

    private static ReplayBuffer Read(Stream stream, Device? device, string source)
    {
        var header = ReadHeader(stream, source);
        var buffer = new ReplayBuffer(header.Capacity, header.ObservationSize, header.ActionSize, device);
        try
        {
            ReadPayload(stream, header, buffer, source);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private readonly record struct Header(int Capacity, int ObservationSize, int ActionSize, int Count, int Position, long TotalAdded, uint PayloadCrc);

    private static Header ReadHeader(Stream stream, string source)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        int headerBytes = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        int prefix = Math.Min(headerBytes, Magic.Length);
        if (!header[..prefix].SequenceEqual(Magic[..prefix]))
            throw Problem(source, $"not a replay buffer file: it starts with bytes {Convert.ToHexString(header[..prefix])}, expected the magic {Convert.ToHexString(Magic)} (\"SIMRPLY\\0\")");
        if (headerBytes < HeaderSize)
            throw Problem(source, $"truncated: it has {headerBytes} bytes, fewer than the {HeaderSize}-byte header");

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != CurrentVersion)
            throw Problem(source, $"format version {version} is not supported: this build reads version {CurrentVersion}"
                + (version > CurrentVersion ? " (the file was written by a newer build)" : ""));
        uint storedHeaderCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[HeaderCrcOffset..]);
        uint headerCrc = Crc32.HashToUInt32(header[..HeaderCrcOffset]);
        if (storedHeaderCrc != headerCrc)
            throw Problem(source, $"corrupt header: its CRC-32 is 0x{headerCrc:X8} but the header records 0x{storedHeaderCrc:X8}");

        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        var parsed = new Header(
            Capacity: BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
            ObservationSize: BinaryPrimitives.ReadInt32LittleEndian(header[20..]),
            ActionSize: BinaryPrimitives.ReadInt32LittleEndian(header[24..]),
            Count: BinaryPrimitives.ReadInt32LittleEndian(header[28..]),
            Position: BinaryPrimitives.ReadInt32LittleEndian(header[32..]),
            TotalAdded: BinaryPrimitives.ReadInt64LittleEndian(header[40..]),
            PayloadCrc: BinaryPrimitives.ReadUInt32LittleEndian(header[48..]));
        var (capacity, observationSize, actionSize, count, position, totalAdded, _) = parsed;
        if (headerSize != HeaderSize)
            throw Problem(source, $"corrupt header: header size {headerSize}, expected {HeaderSize} for version {version}");
        try
        {
            ReplayBuffer.CheckShape(capacity, observationSize, actionSize);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw Problem(source, $"corrupt header: {ex.Message.Split(Environment.NewLine)[0]}");
        }
        if (count < 0 || count > capacity)
            throw Problem(source, $"corrupt header: count {count} is outside [0, capacity {capacity}]");
        if (position < 0 || position >= capacity || (count < capacity && position != count))
            throw Problem(source, $"corrupt header: position {position} with count {count} of capacity {capacity}; " +
                "expected position == count until the buffer is full, and position < capacity");
        if (totalAdded < count)
            throw Problem(source, $"corrupt header: {totalAdded} transitions added but {count} held");

        // A seekable stream's length is checked up front, for a precise message; any other stream shows a
        // truncation when it ends early.
        if (stream.CanSeek)
        {
            long payloadLength = PayloadLength(parsed);
            long available = stream.Length - stream.Position;
            if (available < payloadLength)
                throw Problem(source, $"truncated: the header describes {count} transitions, a {payloadLength}-byte payload, but only {available} bytes follow it");
            if (available > payloadLength)
                throw Problem(source, $"{available - payloadLength} unexpected bytes follow the {payloadLength}-byte payload of {count} transitions");
        }
        return parsed;
    }

    private static long PayloadLength(Header h) => (long)h.Count * (2L * h.ObservationSize + h.ActionSize + 1) * sizeof(float) + h.Count;

    private static void ReadPayload(Stream stream, Header header, ReplayBuffer buffer, string source)
    {
        int count = header.Count;
        try
        {
            var crc = new Crc32();
            ReadFloats(stream, crc, buffer.ObservationStorage.AsSpan(0, count * header.ObservationSize));
            ReadFloats(stream, crc, buffer.ActionStorage.AsSpan(0, count * header.ActionSize));
            ReadFloats(stream, crc, buffer.RewardStorage.AsSpan(0, count));
            ReadFloats(stream, crc, buffer.NextObservationStorage.AsSpan(0, count * header.ObservationSize));
            var flags = MemoryMarshal.AsBytes(buffer.TerminatedStorage.AsSpan(0, count));
            stream.ReadExactly(flags);
            crc.Append(flags);
            uint actualCrc = crc.GetCurrentHashAsUInt32();
            if (actualCrc != header.PayloadCrc)
                throw Problem(source, $"corrupt payload: its CRC-32 is 0x{actualCrc:X8} but the header records 0x{header.PayloadCrc:X8}");
            int badFlag = flags.IndexOfAnyExcept((byte)0, (byte)1);
            if (badFlag >= 0)
                throw Problem(source, $"corrupt payload: terminated flag of row {badFlag} is byte {flags[badFlag]}, expected 0 or 1");
            buffer.RestoreCounters(count, header.Position, header.TotalAdded);
        }
        catch (EndOfStreamException ex)
        {
            throw Problem(source, $"truncated while reading: the data ended before its {PayloadLength(header)}-byte payload", ex);
        }
    }

    private static void ReadFloats(Stream stream, Crc32 crc, Span<float> values)
    {
        for (int start = 0; start < values.Length; start += ChunkFloats)
        {
            var chunk = values.Slice(start, Math.Min(ChunkFloats, values.Length - start));
            var bytes = MemoryMarshal.AsBytes(chunk);
            stream.ReadExactly(bytes);
            crc.Append(bytes);
            if (!BitConverter.IsLittleEndian)
            {
                var words = MemoryMarshal.Cast<float, int>(chunk);
                BinaryPrimitives.ReverseEndianness(words, words);
            }
        }
    }

    private static InvalidDataException Problem(string source, string problem, Exception? inner = null) =>
        new($"{source}: {problem}", inner);
}
