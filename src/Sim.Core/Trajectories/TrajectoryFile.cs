using Sim.Foundation;
using System.IO.Hashing;
using System.Buffers;
using MessagePack;
using MessagePack.Resolvers;

namespace Sim.Core.Trajectories;

/// <summary>Writes and reads files holding a list of <see cref="Trajectory"/> (e.g. every episode a recorder saw).</summary>
/// <remarks>
/// A file is a 32-byte header (magic, schema version, flags, payload length and CRC-32s; see
/// <see cref="TrajectoryFileHeader"/>) followed by a MessagePack payload: an array with one item per trajectory,
/// each item a map of named fields (see <see cref="TrajectoryFormatter"/>), optionally wrapped in MessagePack's
/// LZ4 block array. Items are serialized one at a time, so writing never holds two copies of the whole list.
/// </remarks>
public static class TrajectoryFile
{
    /// <summary>The schema version this build writes.</summary>
    public const uint CurrentSchemaVersion = 1;

    /// <summary>The schema versions this build reads.</summary>
    public static IReadOnlyList<uint> SupportedSchemaVersions { get; } = [1];

    static readonly MessagePackSerializerOptions PlainOptions = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create([TrajectoryFormatter.Instance], [StandardResolver.Instance]))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    static readonly MessagePackSerializerOptions Lz4Options = PlainOptions.WithCompression(MessagePackCompression.Lz4BlockArray);

    /// <summary>Writes <paramref name="trajectories"/> to <paramref name="path"/> atomically: readers see the old file or
    /// the complete new one, never a partial write, and a failure leaves the old file untouched.</summary>
    /// <exception cref="ArgumentException">A trajectory's sizes and arrays disagree (nothing is written).</exception>
    public static void Write(string path, IReadOnlyList<Trajectory> trajectories, bool compress = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(trajectories);
        AtomicFile.Write(path, stream => WriteContents(stream, trajectories, compress));
    }

    static void WriteContents(Stream stream, IReadOnlyList<Trajectory> trajectories, bool compress)
    {
        Span<byte> header = stackalloc byte[TrajectoryFileHeader.Size];
        // A placeholder: the length and checksum are known only after the payload is written.
        stream.Write(header);

        var options = compress ? Lz4Options : PlainOptions;
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        var crc = new Crc32();
        long length = 0;
        int count = trajectories.Count;
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        writer.Flush();
        for (int i = 0; i <= count; i++)
        {
            crc.Append(buffer.WrittenSpan);
            stream.Write(buffer.WrittenSpan);
            length += buffer.WrittenCount;
            buffer.ResetWrittenCount();
            if (i == count) break;

            var trajectory = trajectories[i] ?? throw new ArgumentException($"trajectories[{i}] is null", nameof(trajectories));
            string? problem = trajectory.FindInconsistency();
            if (problem != null)
                throw new ArgumentException(
                    $"trajectories[{i}] (env {trajectory.EnvIndex}, episode {trajectory.EpisodeIndex}) is inconsistent: {problem}", nameof(trajectories));
            MessagePackSerializer.Serialize(buffer, trajectory, options);
        }

        new TrajectoryFileHeader(CurrentSchemaVersion, compress ? TrajectoryFileHeader.Lz4Flag : 0, length, crc.GetCurrentHashAsUInt32()).WriteTo(header);
        stream.Position = 0;
        stream.Write(header);
    }

    /// <summary>Reads every trajectory in <paramref name="path"/>.</summary>
    /// <exception cref="TrajectoryFileException">The file is not a trajectory file, is truncated or corrupt, holds
    /// inconsistent arrays, or has a schema version this build does not read.</exception>
    public static IReadOnlyList<Trajectory> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(path, File.ReadAllBytes(path));
    }

    static Trajectory[] Decode(string path, byte[] bytes)
    {
        var magic = TrajectoryFileHeader.Magic;
        int prefix = Math.Min(bytes.Length, magic.Length);
        if (!bytes.AsSpan(0, prefix).SequenceEqual(magic[..prefix]))
            throw new TrajectoryFileException(path,
                $"not a trajectory file: it starts with bytes {Convert.ToHexString(bytes, 0, prefix)}, expected the magic {Convert.ToHexString(magic)} (\"SIMTRAJ\\0\")");
        if (bytes.Length < TrajectoryFileHeader.Size)
            throw new TrajectoryFileException(path, $"truncated: the file has {bytes.Length} bytes, fewer than the {TrajectoryFileHeader.Size}-byte header");

        var headerBytes = bytes.AsSpan(0, TrajectoryFileHeader.Size);
        uint version = TrajectoryFileHeader.ReadSchemaVersion(headerBytes);
        if (!SupportedSchemaVersions.Contains(version))
            throw new TrajectoryFileException(path,
                $"schema version {version} is not supported: this build reads schema version {string.Join(", ", SupportedSchemaVersions)}"
                + (version > CurrentSchemaVersion ? " (the file was written by a newer build)" : ""));
        if (!TrajectoryFileHeader.HasValidChecksum(headerBytes))
            throw new TrajectoryFileException(path, "corrupt header: its checksum does not match its contents");

        var header = TrajectoryFileHeader.Read(headerBytes);
        if ((header.Flags & ~TrajectoryFileHeader.KnownFlags) != 0)
            throw new TrajectoryFileException(path,
                $"unknown header flags 0x{header.Flags:X}: this build knows only 0x{TrajectoryFileHeader.KnownFlags:X} (LZ4 compression)");
        long available = bytes.Length - TrajectoryFileHeader.Size;
        if (header.PayloadLength < 0)
            throw new TrajectoryFileException(path, $"corrupt header: payload length {header.PayloadLength} is negative");
        if (available < header.PayloadLength)
            throw new TrajectoryFileException(path,
                $"truncated: the header declares a {header.PayloadLength}-byte payload but only {available} bytes follow it");
        if (available > header.PayloadLength)
            throw new TrajectoryFileException(path,
                $"{available - header.PayloadLength} unexpected bytes follow the {header.PayloadLength}-byte payload");

        var payload = new ReadOnlyMemory<byte>(bytes, TrajectoryFileHeader.Size, (int)header.PayloadLength);
        uint crc = Crc32.HashToUInt32(payload.Span);
        if (crc != header.PayloadCrc)
            throw new TrajectoryFileException(path, $"corrupt payload: its CRC-32 is 0x{crc:X8} but the header records 0x{header.PayloadCrc:X8}");

        return DecodePayload(path, payload, (header.Flags & TrajectoryFileHeader.Lz4Flag) != 0 ? Lz4Options : PlainOptions);
    }

    static Trajectory[] DecodePayload(string path, ReadOnlyMemory<byte> payload, MessagePackSerializerOptions options)
    {
        var reader = new MessagePackReader(payload);
        int count;
        try
        {
            if (reader.NextMessagePackType != MessagePackType.Array)
                throw new InvalidDataException($"it is a msgpack {reader.NextMessagePackType}, expected an array of trajectories");
            count = reader.ReadArrayHeader();
        }
        catch (Exception ex)
        {
            throw new TrajectoryFileException(path, $"payload cannot be decoded: {Innermost(ex).Message}", ex);
        }

        var trajectories = new Trajectory[count];
        for (int i = 0; i < count; i++)
        {
            Trajectory trajectory;
            try
            {
                var start = reader.Position;
                TrajectoryFormatter.SkipValue(ref reader);
                trajectory = MessagePackSerializer.Deserialize<Trajectory>(reader.Sequence.Slice(start, reader.Position), options);
            }
            catch (Exception ex)
            {
                // Whatever MessagePack or the formatter threw, the cause is the file's bytes: say which item and why.
                throw new TrajectoryFileException(path, $"trajectory {i} of {count} cannot be decoded: {Innermost(ex).Message}", ex);
            }
            string? problem = trajectory.FindInconsistency();
            if (problem != null)
                throw new TrajectoryFileException(path, $"trajectory {i} of {count} (env {trajectory.EnvIndex}, episode {trajectory.EpisodeIndex}) is inconsistent: {problem}");
            trajectories[i] = trajectory;
        }
        if (!reader.End)
            throw new TrajectoryFileException(path, $"the payload has {payload.Length - reader.Consumed} unexpected bytes after its {count} trajectories");
        return trajectories;
    }

    static Exception Innermost(Exception ex)
    {
        while (ex.InnerException != null) ex = ex.InnerException;
        return ex;
    }
}
