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
/// old file or the complete new one, and a crash mid-write leaves the old file intact.</para>
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

    /// <summary>The 8 bytes every replay buffer file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "SIMRPLY\0"u8;

    /// <summary>Writes <paramref name="buffer"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReplayBuffer buffer)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(buffer);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"path '{path}' names no file", nameof(path));
        // Same directory, so the final rename stays within one file system and is atomic.
        string tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                WriteContents(stream, buffer);
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    private static void WriteContents(FileStream stream, ReplayBuffer buffer)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        // A placeholder until the payload checksum is known.
        stream.Write(header);

        int count = buffer.Count;
        var crc = new Crc32();
        WriteFloats(stream, crc, buffer.ObservationStorage.AsSpan(0, count * buffer.ObservationSize));
        WriteFloats(stream, crc, buffer.ActionStorage.AsSpan(0, count * buffer.ActionSize));
        WriteFloats(stream, crc, buffer.RewardStorage.AsSpan(0, count));
        WriteFloats(stream, crc, buffer.NextObservationStorage.AsSpan(0, count * buffer.ObservationSize));
        var flags = MemoryMarshal.AsBytes(buffer.TerminatedStorage.AsSpan(0, count));
        crc.Append(flags);
        stream.Write(flags);

        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], buffer.Capacity);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], buffer.ObservationSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], buffer.ActionSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], count);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], buffer.Position);
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], buffer.TotalAdded);
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderCrcOffset..], Crc32.HashToUInt32(header[..HeaderCrcOffset]));
        stream.Position = 0;
        stream.Write(header);
        stream.Flush(flushToDisk: true);
    }

    private static void WriteFloats(Stream stream, Crc32 crc, ReadOnlySpan<float> values)
    {
        byte[]? swapped = BitConverter.IsLittleEndian ? null : new byte[ChunkFloats * sizeof(float)];
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
            crc.Append(bytes);
            stream.Write(bytes);
        }
    }

    /// <summary>Reads the buffer in <paramref name="path"/>; batches will be sampled onto <paramref name="device"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a replay buffer file, has an unsupported version, or is truncated or corrupt;
    /// the message names the file and the problem.</exception>
    public static ReplayBuffer Read(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        long fileLength = stream.Length;
        Span<byte> header = stackalloc byte[HeaderSize];
        int headerBytes = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        int prefix = Math.Min(headerBytes, Magic.Length);
        if (!header[..prefix].SequenceEqual(Magic[..prefix]))
            throw Problem(path, $"not a replay buffer file: it starts with bytes {Convert.ToHexString(header[..prefix])}, expected the magic {Convert.ToHexString(Magic)} (\"SIMRPLY\\0\")");
        if (headerBytes < HeaderSize)
            throw Problem(path, $"truncated: the file has {fileLength} bytes, fewer than the {HeaderSize}-byte header");

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != CurrentVersion)
            throw Problem(path, $"format version {version} is not supported: this build reads version {CurrentVersion}"
                + (version > CurrentVersion ? " (the file was written by a newer build)" : ""));
        uint storedHeaderCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[HeaderCrcOffset..]);
        uint headerCrc = Crc32.HashToUInt32(header[..HeaderCrcOffset]);
        if (storedHeaderCrc != headerCrc)
            throw Problem(path, $"corrupt header: its CRC-32 is 0x{headerCrc:X8} but the header records 0x{storedHeaderCrc:X8}");

        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        int capacity = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        int observationSize = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        int actionSize = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
        int position = BinaryPrimitives.ReadInt32LittleEndian(header[32..]);
        long totalAdded = BinaryPrimitives.ReadInt64LittleEndian(header[40..]);
        uint payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[48..]);
        if (headerSize != HeaderSize)
            throw Problem(path, $"corrupt header: header size {headerSize}, expected {HeaderSize} for version {version}");
        try
        {
            ReplayBuffer.CheckShape(capacity, observationSize, actionSize);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw Problem(path, $"corrupt header: {ex.Message.Split(Environment.NewLine)[0]}");
        }
        if (count < 0 || count > capacity)
            throw Problem(path, $"corrupt header: count {count} is outside [0, capacity {capacity}]");
        if (position < 0 || position >= capacity || (count < capacity && position != count))
            throw Problem(path, $"corrupt header: position {position} with count {count} of capacity {capacity}; " +
                "expected position == count until the buffer is full, and position < capacity");
        if (totalAdded < count)
            throw Problem(path, $"corrupt header: {totalAdded} transitions added but {count} held");

        long payloadLength = (long)count * (2L * observationSize + actionSize + 1) * sizeof(float) + count;
        long available = fileLength - HeaderSize;
        if (available < payloadLength)
            throw Problem(path, $"truncated: the header describes {count} transitions, a {payloadLength}-byte payload, but only {available} bytes follow it");
        if (available > payloadLength)
            throw Problem(path, $"{available - payloadLength} unexpected bytes follow the {payloadLength}-byte payload of {count} transitions");

        var buffer = new ReplayBuffer(capacity, observationSize, actionSize, device);
        try
        {
            var crc = new Crc32();
            ReadFloats(stream, crc, buffer.ObservationStorage.AsSpan(0, count * observationSize));
            ReadFloats(stream, crc, buffer.ActionStorage.AsSpan(0, count * actionSize));
            ReadFloats(stream, crc, buffer.RewardStorage.AsSpan(0, count));
            ReadFloats(stream, crc, buffer.NextObservationStorage.AsSpan(0, count * observationSize));
            var flags = MemoryMarshal.AsBytes(buffer.TerminatedStorage.AsSpan(0, count));
            stream.ReadExactly(flags);
            crc.Append(flags);
            uint actualCrc = crc.GetCurrentHashAsUInt32();
            if (actualCrc != payloadCrc)
                throw Problem(path, $"corrupt payload: its CRC-32 is 0x{actualCrc:X8} but the header records 0x{payloadCrc:X8}");
            int badFlag = flags.IndexOfAnyExcept((byte)0, (byte)1);
            if (badFlag >= 0)
                throw Problem(path, $"corrupt payload: terminated flag of row {badFlag} is byte {flags[badFlag]}, expected 0 or 1");
            buffer.RestoreCounters(count, position, totalAdded);
            return buffer;
        }
        catch (EndOfStreamException ex)
        {
            buffer.Dispose();
            // The length was checked above, so only a file shrinking while it is read gets here.
            throw Problem(path, "truncated while reading: the file ended before its payload", ex);
        }
        catch
        {
            buffer.Dispose();
            throw;
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

    private static InvalidDataException Problem(string path, string problem, Exception? inner = null) =>
        new($"replay buffer file '{path}': {problem}", inner);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
