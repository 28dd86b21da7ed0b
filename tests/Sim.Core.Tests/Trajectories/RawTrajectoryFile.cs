using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MessagePack;

namespace Sim.Core.Tests.Trajectories;

/// <summary>An independent writer of the documented trajectory file format, used to build files the library itself
/// would refuse to write (inconsistent arrays, wrong types, unknown fields, other versions).</summary>
static class RawTrajectoryFile
{
    /// <summary>CRC-32 (IEEE) computed bit by bit, straight from the definition.</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ ((crc & 1) * 0xEDB88320u);
        }
        return ~crc;
    }

    /// <summary>Header (magic, version, flags, length, payload CRC, header CRC) followed by <paramref name="payload"/>.</summary>
    public static byte[] Build(byte[] payload, uint version = 1, uint flags = 0)
    {
        var file = new byte[32 + payload.Length];
        Encoding.ASCII.GetBytes("SIMTRAJ\0").CopyTo(file, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), version);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), flags);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(16), payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24), Crc32(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(28), Crc32(file.AsSpan(0, 28)));
        payload.CopyTo(file, 32);
        return file;
    }

    /// <summary>Recomputes both checksums, so that a test's edits reach the decoder instead of the checksum check.</summary>
    public static void FixChecksums(byte[] file)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24), Crc32(file.AsSpan(32)));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(28), Crc32(file.AsSpan(0, 28)));
    }

    /// <summary>The fields of a valid two-step trajectory (obs size 2, action size 1, one reward term, physics size 3 with final state).</summary>
    public static List<(string Key, object? Value)> ValidFields() =>
    [
        ("env_id", "Raw-v0"),
        ("env_index", 3),
        ("seed", 1003UL),
        ("episode_index", 4),
        ("first_step", 0),
        ("observation_size", 2),
        ("action_size", 1),
        ("reward_term_names", new[] { "reward_forward" }),
        ("physics_state_size", 3),
        ("steps", 2),
        ("observations", new float[] { 0f, 1f, 2f, 3f, 4f, 5f }),
        ("actions", new float[] { 0.5f, -0.5f }),
        ("rewards", new float[] { 1.5f, 2.5f }),
        ("reward_terms", new float[] { 1.5f, 2.5f }),
        ("terminated", new bool[] { false, true }),
        ("truncated", new bool[] { false, false }),
        ("physics_states", Enumerable.Range(0, 9).Select(i => i * 0.25).ToArray()),
        ("has_final_physics_state", true),
    ];

    /// <summary>A payload holding one trajectory map with exactly <paramref name="fields"/>, written field by field.</summary>
    public static byte[] Payload(IEnumerable<(string Key, object? Value)> fields)
    {
        var list = fields.ToList();
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(1);
        writer.WriteMapHeader(list.Count);
        foreach (var (key, value) in list)
        {
            writer.Write(key);
            WriteValue(ref writer, value);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    static void WriteValue(ref MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNil(); break;
            case string s: writer.Write(s); break;
            case int i: writer.Write(i); break;
            case ulong u: writer.Write(u); break;
            case bool b: writer.Write(b); break;
            case string[] names:
                writer.WriteArrayHeader(names.Length);
                foreach (var n in names) writer.Write(n);
                break;
            case float[] floats:
                var fb = new byte[floats.Length * 4];
                for (int i = 0; i < floats.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(fb.AsSpan(i * 4), floats[i]);
                writer.Write(fb);
                break;
            case double[] doubles:
                var db = new byte[doubles.Length * 8];
                for (int i = 0; i < doubles.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(db.AsSpan(i * 8), doubles[i]);
                writer.Write(db);
                break;
            case bool[] flags: writer.Write(flags.Select(f => f ? (byte)1 : (byte)0).ToArray()); break;
            case byte[] raw: writer.WriteRaw(raw); break; // already-encoded msgpack, for deliberately odd values
            default: throw new ArgumentException($"no msgpack encoding for {value.GetType()}");
        }
    }
}
