using System.Buffers.Binary;
using System.Text;
using Sim.Foundation;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Serialization;

/// <summary>The on-disk format of a reward model: magic, version, the model's kind and JSON config (normaliser included),
/// and every ensemble member's named tensors, closed by a checksum.</summary>
/// <remarks>
/// <para>Layout, little-endian: magic <c>"SIMRWRD\0"</c> (8 bytes); u32 format version; u64 body length; the body; u32
/// CRC-32 of everything before it. Body: kind and config as i32 byte count + UTF-8; i32 member count; per member an i32
/// tensor count and per tensor its name (i32 + UTF-8), i32 rank, i64 sizes and float32 values in row-major order.</para>
/// <para>A file is written to a temporary name beside the target and renamed over it, so a reader sees the old file or
/// the complete new one. Reading checks the magic, the version, the length and the checksum before trusting any field,
/// and reports each problem as a <see cref="RewardModelFormatException"/> naming the file.</para>
/// </remarks>
public static class RewardModelFile
{
    /// <summary>The format version this build writes and reads.</summary>
    public const uint CurrentVersion = 1;

    /// <summary>Bytes before the body: magic, version and body length.</summary>
    public const int PreambleSize = 20;

    private const int ChecksumSize = 4;

    /// <summary>The 8 bytes every reward model file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "SIMRWRD\0"u8;

    /// <summary>Writes a model of kind <paramref name="kind"/> with config <paramref name="configJson"/> and the tensors of
    /// <paramref name="members"/> (their <c>state_dict</c>, as float32) to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, string kind, string configJson, IReadOnlyList<nn.Module> members)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(configJson);
        ArgumentNullException.ThrowIfNull(members);
        var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            WriteString(writer, kind);
            WriteString(writer, configJson);
            writer.Write(members.Count);
            foreach (var member in members)
            {
                var state = member.state_dict();
                writer.Write(state.Count);
                foreach (var (name, value) in state)
                {
                    WriteString(writer, name);
                    writer.Write(value.shape.Length);
                    foreach (long size in value.shape) writer.Write(size);
                    using var scope = NewDisposeScope();
                    var host = value.detach().to_type(ScalarType.Float32).cpu().contiguous();
                    foreach (float x in host.data<float>()) writer.Write(x);
                }
            }
        }
        byte[] bytes = new byte[PreambleSize + body.Length + ChecksumSize];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), CurrentVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), (ulong)body.Length);
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(bytes.AsSpan(PreambleSize));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - ChecksumSize), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - ChecksumSize)));
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Reads and checks the file at <paramref name="path"/>.</summary>
    /// <exception cref="RewardModelFormatException">When the file is truncated, corrupt, of another version, or malformed.</exception>
    public static RewardModelFileContents Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RewardModelFormatException(path, "no such file", e);
        }
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            string start = Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, Magic.Length)));
            throw new RewardModelFormatException(path, $"not a reward model file: it starts with bytes {(start.Length == 0 ? "(none)" : start)}, expected the magic \"SIMRWRD\\0\"");
        }
        if (bytes.Length < PreambleSize)
            throw new RewardModelFormatException(path, $"truncated: {bytes.Length} bytes, shorter than the {PreambleSize}-byte preamble");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != CurrentVersion)
            throw new RewardModelFormatException(path, $"format version {version}: this build reads version {CurrentVersion}");
        ulong bodyLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12));
        ulong expectedLength = PreambleSize + bodyLength + ChecksumSize;
        if (bodyLength > int.MaxValue || (ulong)bytes.Length < expectedLength)
            throw new RewardModelFormatException(path, $"truncated or corrupt: {bytes.Length} bytes, but its header promises {expectedLength}");
        if ((ulong)bytes.Length > expectedLength)
            throw new RewardModelFormatException(path, $"corrupt: {bytes.Length} bytes, but its header says it ends after {expectedLength}");
        uint recorded = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - ChecksumSize));
        uint actual = System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - ChecksumSize));
        if (recorded != actual)
            throw new RewardModelFormatException(path, $"corrupt: the CRC-32 of its contents is {actual:X8} but the file records {recorded:X8}; it was changed or damaged after it was written");

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, PreambleSize, (int)bodyLength, writable: false), Encoding.UTF8);
            string kind = ReadString(reader);
            string config = ReadString(reader);
            // Counts are checked against the bytes left before anything is allocated for them: a damaged count must not
            // turn into a multi-gigabyte allocation (found by fuzzing). A member takes at least 4 bytes, a tensor 8.
            int memberCount = ReadCount(reader, "member count", bytesPerItem: 4);
            var members = new List<IReadOnlyList<SavedTensor>>(memberCount);
            for (int m = 0; m < memberCount; m++)
            {
                int tensorCount = ReadCount(reader, $"tensor count of member {m}", bytesPerItem: 8);
                var tensors = new List<SavedTensor>(tensorCount);
                for (int t = 0; t < tensorCount; t++)
                {
                    string name = ReadString(reader);
                    int rank = ReadCount(reader, $"rank of member {m} tensor '{name}'", bytesPerItem: sizeof(long));
                    var shape = new long[rank];
                    long elements = 1;
                    for (int d = 0; d < rank; d++)
                    {
                        shape[d] = reader.ReadInt64();
                        if (shape[d] < 0) throw new InvalidDataException($"member {m} tensor '{name}' has size {shape[d]} in dimension {d}: expected ≥ 0");
                        elements = checked(elements * shape[d]);
                    }
                    if (elements > (reader.BaseStream.Length - reader.BaseStream.Position) / sizeof(float))
                        throw new InvalidDataException($"member {m} tensor '{name}' has {elements} values, more than the bytes left in the body");
                    var values = new float[elements];
                    for (long i = 0; i < elements; i++) values[i] = reader.ReadSingle();
                    tensors.Add(new SavedTensor(name, shape, values));
                }
                members.Add(tensors);
            }
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw new InvalidDataException($"{reader.BaseStream.Length - reader.BaseStream.Position} bytes are left after the last member");
            return new RewardModelFileContents(path, kind, config, members);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException or DecoderFallbackException)
        {
            throw new RewardModelFormatException(path, $"malformed body: {e.Message}", e);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        writer.Write(utf8.Length);
        writer.Write(utf8);
    }

    private static string ReadString(BinaryReader reader)
    {
        int length = ReadCount(reader, "string length", bytesPerItem: 1);
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(reader.ReadBytes(length));
    }

    private static int ReadCount(BinaryReader reader, string what, int bytesPerItem)
    {
        int count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"{what} = {count}: expected ≥ 0");
        long left = reader.BaseStream.Length - reader.BaseStream.Position;
        if ((long)count * bytesPerItem > left)
            throw new InvalidDataException($"{what} = {count} needs at least {(long)count * bytesPerItem} bytes, but only {left} are left in the body");
        return count;
    }
}
