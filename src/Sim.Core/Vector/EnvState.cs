using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Sim.Core;

/// <summary>Saves and restores the complete state of an env chain (env plus wrappers) as one checksummed stream, so a resumed
/// training run steps exactly as an uninterrupted one.</summary>
/// <remarks>
/// Layout (little-endian): the 8 bytes <c>SIMENVST</c>, a uint16 format version, an int64 payload length, the payload
/// written by <see cref="IStatefulEnv.SaveState"/> of the outermost layer, and a 64-bit xxHash of the payload. The
/// payload is verified before anything is touched, and a load that fails half way (another configuration) puts the
/// chain back into the state it had, so an error never leaves a mixture of two runs behind.
/// </remarks>
public static class EnvState
{
    /// <summary>The format version this build writes and reads.</summary>
    public const ushort Version = 1;

    static ReadOnlySpan<byte> Magic => "SIMENVST"u8;

    const int HeaderLength = 8 + sizeof(ushort) + sizeof(long);

    /// <summary>Writes the state of <paramref name="env"/> and every layer it wraps to <paramref name="stream"/>.</summary>
    /// <exception cref="NotSupportedException">A layer of the chain cannot save its state.</exception>
    public static void Save(IVectorEnv env, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(stream);
        var payload = Payload(env);
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(header[10..], payload.Length);
        stream.Write(header);
        stream.Write(payload);
        Span<byte> hash = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(hash, XxHash64.HashToUInt64(payload));
        stream.Write(hash);
    }

    /// <summary>Restores into <paramref name="env"/> a state written by <see cref="Save"/> from a chain of the same configuration.</summary>
    /// <exception cref="InvalidDataException">The stream is not an env state, is damaged, or belongs to another configuration
    /// (env type, number of envs, sizes, autoreset mode, wrappers); the message names what differs, and <paramref name="env"/>
    /// keeps the state it had.</exception>
    public static void Load(IVectorEnv env, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(stream);
        var payload = ReadPayload(stream);
        var layer = Stateful(env);
        var previous = Payload(env);
        try
        {
            LoadPayload(layer, payload);
        }
        catch
        {
            LoadPayload(layer, previous);
            throw;
        }
    }

    static byte[] Payload(IVectorEnv env)
    {
        var layer = Stateful(env);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) layer.SaveState(writer);
        return buffer.ToArray();
    }

    static void LoadPayload(IStatefulEnv layer, byte[] payload)
    {
        using var buffer = new MemoryStream(payload, writable: false);
        using var reader = new BinaryReader(buffer, Encoding.UTF8);
        try
        {
            layer.LoadState(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"the env state ends early ({payload.Length} bytes): it was written by a chain of another configuration", e);
        }
        if (buffer.Position != payload.Length)
            throw new InvalidDataException(
                $"the env state has {payload.Length - buffer.Position} bytes left after the outermost layer: it was written by a chain with more layers or state");
    }

    static byte[] ReadPayload(Stream stream)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        if (stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength || !header[..8].SequenceEqual(Magic))
            throw new InvalidDataException("the stream is not an env state: expected it to start with 'SIMENVST'");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != Version) throw new InvalidDataException($"the env state has format version {version}; this build reads version {Version}");
        long length = BinaryPrimitives.ReadInt64LittleEndian(header[10..]);
        if (length < 0 || length > Array.MaxLength)
            throw new InvalidDataException($"the env state is corrupt: payload length {length} is outside [0, {Array.MaxLength}]");
        var payload = new byte[length];
        Span<byte> hash = stackalloc byte[sizeof(ulong)];
        if (stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false) < payload.Length
            || stream.ReadAtLeast(hash, hash.Length, throwOnEndOfStream: false) < hash.Length)
            throw new InvalidDataException($"the env state is truncated: expected a payload of {length} bytes and its checksum");
        if (BinaryPrimitives.ReadUInt64LittleEndian(hash) != XxHash64.HashToUInt64(payload))
            throw new InvalidDataException("the env state is corrupt: its checksum does not match its contents");
        return payload;
    }

    static IStatefulEnv Stateful(IVectorEnv env) => env as IStatefulEnv
        ?? throw new NotSupportedException($"{env.GetType().FullName} cannot save or load its state: it does not implement {nameof(IStatefulEnv)}");
}
