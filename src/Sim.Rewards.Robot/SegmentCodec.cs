using System.Buffers;
using System.Runtime.InteropServices;
using MessagePack;
using Sim.Rewards.Labels;

namespace Sim.Rewards.Robot;

/// <summary>Encodes a <see cref="Segment"/> as the MessagePack map a label store keeps as the item's payload, so robot
/// segments go through the same store as every other item kind.</summary>
/// <remarks>Numeric arrays are little-endian <c>bin</c> blobs (4 bytes per float, 8 per double), as in trajectory files.
/// Unknown keys are skipped, so later versions may add optional fields. Captions, one string per step, are such a field:
/// written only for a segment that has them, so a segment of an env without captions encodes as before.</remarks>
public sealed class SegmentCodec : IItemCodec<Segment>
{
    /// <summary>The codec (it has no settings).</summary>
    public static SegmentCodec Instance { get; } = new();

    /// <summary>The item kind stored with every segment.</summary>
    public const string ItemKind = "robot-segment";

    /// <summary>Opens (or creates) the segment label store at <paramref name="path"/>.</summary>
    public static LabelStore<Segment> OpenStore(string path) => LabelStore<Segment>.Open(path, Instance);

    /// <summary>Opens an existing segment label store for reading only; see <see cref="LabelStore{TItem}.OpenReadOnly"/>.</summary>
    public static LabelStore<Segment> OpenStoreReadOnly(string path) => LabelStore<Segment>.OpenReadOnly(path, Instance);

    /// <inheritdoc/>
    public string Kind => ItemKind;

    const string EnvIdKey = "env_id";
    const string SourceKey = "source";
    const string EpisodeKey = "episode";
    const string StartStepKey = "start_step";
    const string LengthKey = "length";
    const string ObservationSizeKey = "observation_size";
    const string ActionSizeKey = "action_size";
    const string PhysicsStateSizeKey = "physics_state_size";
    const string ObservationsKey = "observations";
    const string ActionsKey = "actions";
    const string TrueRewardsKey = "true_rewards";
    const string PhysicsStatesKey = "physics_states";
    const string CaptionsKey = "captions";
    const int FieldCount = 12;

    static SegmentCodec()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("the label store's segment payload is little-endian; this machine is big-endian");
    }

    /// <summary>Checks that the segment's sizes and arrays agree; null when they do.</summary>
    public string? FindInconsistency(Segment s)
    {
        if (s.Length < 1) return $"length is {s.Length}, expected >= 1";
        if (s.ObservationSize < 1) return $"observation size is {s.ObservationSize}, expected >= 1";
        if (s.ActionSize < 0) return $"action size is {s.ActionSize}, expected >= 0";
        if (s.PhysicsStateSize < 0) return $"physics state size is {s.PhysicsStateSize}, expected >= 0";
        if (s.Observations is null || s.Observations.Length != (long)s.Length * s.ObservationSize)
            return $"observations has {s.Observations?.Length} values, expected length {s.Length} × observation size {s.ObservationSize}";
        if (s.Actions is null || s.Actions.Length != (long)s.Length * s.ActionSize)
            return $"actions has {s.Actions?.Length} values, expected length {s.Length} × action size {s.ActionSize}";
        if (s.TrueRewards is null || s.TrueRewards.Length != s.Length)
            return $"true rewards has {s.TrueRewards?.Length} values, expected length {s.Length}";
        if (s.PhysicsStates is null || s.PhysicsStates.Length != (long)s.Length * s.PhysicsStateSize)
            return $"physics states has {s.PhysicsStates?.Length} values, expected length {s.Length} × physics state size {s.PhysicsStateSize}";
        if (s.Captions is null || (s.Captions.Length != 0 && s.Captions.Length != s.Length))
            return $"captions has {s.Captions?.Length} entries, expected none or length {s.Length}";
        return null;
    }

    /// <inheritdoc/>
    public byte[] Encode(Segment s)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + 4 * (s.Observations.Length + s.Actions.Length + s.TrueRewards.Length) + 8 * s.PhysicsStates.Length);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(s.Captions.Length > 0 ? FieldCount + 1 : FieldCount);
        writer.Write(EnvIdKey); writer.Write(s.EnvId);
        writer.Write(SourceKey); writer.Write(s.Source);
        writer.Write(EpisodeKey); writer.Write(s.Episode);
        writer.Write(StartStepKey); writer.Write(s.StartStep);
        writer.Write(LengthKey); writer.Write(s.Length);
        writer.Write(ObservationSizeKey); writer.Write(s.ObservationSize);
        writer.Write(ActionSizeKey); writer.Write(s.ActionSize);
        writer.Write(PhysicsStateSizeKey); writer.Write(s.PhysicsStateSize);
        writer.Write(ObservationsKey); writer.Write(MemoryMarshal.AsBytes(s.Observations.AsSpan()));
        writer.Write(ActionsKey); writer.Write(MemoryMarshal.AsBytes(s.Actions.AsSpan()));
        writer.Write(TrueRewardsKey); writer.Write(MemoryMarshal.AsBytes(s.TrueRewards.AsSpan()));
        writer.Write(PhysicsStatesKey); writer.Write(MemoryMarshal.AsBytes(s.PhysicsStates.AsSpan()));
        if (s.Captions.Length > 0)
        {
            writer.Write(CaptionsKey);
            writer.WriteArrayHeader(s.Captions.Length);
            foreach (string caption in s.Captions) writer.Write(caption);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The payload is not a segment map or its arrays disagree with its sizes.</exception>
    public Segment Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new MessagePackReader(payload.ToArray());
        string? envId = null, source = null;
        long episode = 0;
        int startStep = 0, physicsStateSize = 0;
        int? length = null, observationSize = null, actionSize = null;
        float[]? observations = null, actions = null, rewards = null;
        double[] physicsStates = [];
        string[] captions = [];
        try
        {
            if (reader.NextMessagePackType != MessagePackType.Map)
                throw new InvalidDataException($"segment payload is a msgpack {reader.NextMessagePackType}, expected a map of named fields");
            int count = reader.ReadMapHeader();
            for (int i = 0; i < count; i++)
            {
                string key = reader.ReadString() ?? throw new InvalidDataException($"key {i} of the segment map is nil, expected a field name");
                switch (key)
                {
                    case EnvIdKey: envId = reader.ReadString(); break;
                    case SourceKey: source = reader.ReadString(); break;
                    case EpisodeKey: episode = reader.ReadInt64(); break;
                    case StartStepKey: startStep = reader.ReadInt32(); break;
                    case LengthKey: length = reader.ReadInt32(); break;
                    case ObservationSizeKey: observationSize = reader.ReadInt32(); break;
                    case ActionSizeKey: actionSize = reader.ReadInt32(); break;
                    case PhysicsStateSizeKey: physicsStateSize = reader.ReadInt32(); break;
                    case ObservationsKey: observations = ReadArray<float>(ref reader, key); break;
                    case ActionsKey: actions = ReadArray<float>(ref reader, key); break;
                    case TrueRewardsKey: rewards = ReadArray<float>(ref reader, key); break;
                    case PhysicsStatesKey: physicsStates = ReadArray<double>(ref reader, key); break;
                    case CaptionsKey: captions = ReadCaptions(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        // MessagePack's reader reports some malformed input as an out-of-range integer (OverflowException) or, when a
        // length runs past the end, as ArgumentOutOfRangeException rather than EndOfStreamException (found by fuzzing).
        catch (Exception ex) when (ex is MessagePackSerializationException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"segment payload cannot be decoded: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"segment payload is truncated: {ex.Message}", ex);
        }

        var segment = new Segment
        {
            EnvId = envId ?? throw Missing(EnvIdKey),
            Source = source ?? throw Missing(SourceKey),
            Episode = episode,
            StartStep = startStep,
            Length = length ?? throw Missing(LengthKey),
            ObservationSize = observationSize ?? throw Missing(ObservationSizeKey),
            ActionSize = actionSize ?? throw Missing(ActionSizeKey),
            PhysicsStateSize = physicsStateSize,
            Observations = observations ?? throw Missing(ObservationsKey),
            Actions = actions ?? throw Missing(ActionsKey),
            TrueRewards = rewards ?? throw Missing(TrueRewardsKey),
            PhysicsStates = physicsStates,
            Captions = captions,
        };
        string? problem = FindInconsistency(segment);
        if (problem != null) throw new InvalidDataException($"segment payload is inconsistent: {problem}");
        return segment;
    }

    static T[] ReadArray<T>(ref MessagePackReader reader, string key) where T : unmanaged
    {
        if (reader.NextMessagePackType != MessagePackType.Binary)
            throw new InvalidDataException($"segment field '{key}' is a msgpack {reader.NextMessagePackType}, expected a bin blob");
        var bytes = reader.ReadBytes()!.Value;
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (bytes.Length % size != 0)
            throw new InvalidDataException($"segment field '{key}' has {bytes.Length} bytes, expected a multiple of {size}");
        var result = new T[bytes.Length / size];
        bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    static string[] ReadCaptions(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
            throw new InvalidDataException($"segment field '{CaptionsKey}' is a msgpack {reader.NextMessagePackType}, expected an array of strings");
        var captions = new string[reader.ReadArrayHeader()];
        for (int i = 0; i < captions.Length; i++)
            captions[i] = reader.ReadString() ?? throw new InvalidDataException($"caption {i} of the segment is nil, expected a string (empty for a step without one)");
        return captions;
    }

    static InvalidDataException Missing(string key) => new($"segment payload has no '{key}' field");
}
