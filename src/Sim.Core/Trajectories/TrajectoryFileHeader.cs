using System.IO.Hashing;
using System.Buffers.Binary;

namespace Sim.Core.Trajectories;

/// <summary>The fixed 32-byte header in front of a trajectory file's MessagePack payload.</summary>
/// <remarks>
/// Layout, little-endian:
/// <code>
/// offset  size  field
///      0     8  magic "SIMTRAJ\0"
///      8     4  schema version (uint32)      — offsets 0..11 never change, so any reader can name the version it found
///     12     4  flags (uint32; bit 0 = payload items are LZ4 block-array compressed)
///     16     8  payload length in bytes (int64)
///     24     4  CRC-32 of the payload
///     28     4  CRC-32 of header bytes 0..27
/// </code>
/// Checksums turn a flipped bit anywhere into a clear error instead of silently wrong data.
/// </remarks>
internal readonly record struct TrajectoryFileHeader(uint SchemaVersion, uint Flags, long PayloadLength, uint PayloadCrc)
{
    /// <summary>Bytes in the header.</summary>
    public const int Size = 32;

    /// <summary>Flag bit: each trajectory in the payload is compressed with MessagePack's LZ4 block array.</summary>
    public const uint Lz4Flag = 1;

    /// <summary>Every flag bit this version understands.</summary>
    public const uint KnownFlags = Lz4Flag;

    /// <summary>The first 8 bytes of every trajectory file.</summary>
    public static ReadOnlySpan<byte> Magic => "SIMTRAJ\0"u8;

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], SchemaVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Flags);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], PayloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], PayloadCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], Crc32.HashToUInt32(destination[..28]));
    }

    /// <summary>Reads the schema version, which sits at the same place in every version of the format.</summary>
    public static uint ReadSchemaVersion(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);

    /// <summary>Whether header bytes 0..27 match the header checksum.</summary>
    public static bool HasValidChecksum(ReadOnlySpan<byte> header) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) == Crc32.HashToUInt32(header[..28]);

    /// <summary>Reads the fields of a header whose magic and checksum were checked.</summary>
    public static TrajectoryFileHeader Read(ReadOnlySpan<byte> header) => new(
        ReadSchemaVersion(header),
        BinaryPrimitives.ReadUInt32LittleEndian(header[12..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[16..]),
        BinaryPrimitives.ReadUInt32LittleEndian(header[24..]));
}
