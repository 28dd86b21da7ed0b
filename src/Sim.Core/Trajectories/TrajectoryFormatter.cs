using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using MessagePack;
using MessagePack.Formatters;

namespace Sim.Core.Trajectories;

/// <summary>Writes and reads a <see cref="Trajectory"/> as a MessagePack map of named fields (schema version 1).</summary>
/// <remarks>
/// Written by hand rather than by attributes so that the schema is explicit, no code is generated at run time,
/// and a bad field is reported by name. Numeric arrays are little-endian <c>bin</c> blobs (4 bytes per float,
/// 8 per double, 1 per bool), which is compact and copies at memory speed. Unknown keys are skipped, so a
/// later writer can add optional fields without breaking this reader.
/// </remarks>
internal sealed class TrajectoryFormatter : IMessagePackFormatter<Trajectory>
{
    public static readonly TrajectoryFormatter Instance = new();

    const string EnvIdKey = "env_id";
    const string EnvIndexKey = "env_index";
    const string SeedKey = "seed";
    const string EpisodeIndexKey = "episode_index";
    const string FirstStepKey = "first_step";
    const string ObservationSizeKey = "observation_size";
    const string ActionSizeKey = "action_size";
    const string RewardTermNamesKey = "reward_term_names";
    const string PhysicsStateSizeKey = "physics_state_size";
    const string StepsKey = "steps";
    const string ObservationsKey = "observations";
    const string ActionsKey = "actions";
    const string RewardsKey = "rewards";
    const string RewardTermsKey = "reward_terms";
    const string TerminatedKey = "terminated";
    const string TruncatedKey = "truncated";
    const string PhysicsStatesKey = "physics_states";
    const string HasFinalPhysicsStateKey = "has_final_physics_state";
    const string CaptionsKey = "captions";
    const string EnvArgsKey = "env_args";
    const int FieldCount = 18;

    public void Serialize(ref MessagePackWriter writer, Trajectory value, MessagePackSerializerOptions options)
    {
        // Captions are written only when there are some, so files of envs without captions stay byte for byte as before.
        // Env arguments likewise: files of envs built with their defaults stay as before.
        writer.WriteMapHeader(FieldCount + (value.Captions.Length > 0 ? 1 : 0) + (value.EnvArgs.Count > 0 ? 1 : 0));
        writer.Write(EnvIdKey); writer.Write(value.EnvId);
        writer.Write(EnvIndexKey); writer.Write(value.EnvIndex);
        writer.Write(SeedKey);
        if (value.Seed is ulong seed) writer.Write(seed);
        else writer.WriteNil();
        writer.Write(EpisodeIndexKey); writer.Write(value.EpisodeIndex);
        writer.Write(FirstStepKey); writer.Write(value.FirstStep);
        writer.Write(ObservationSizeKey); writer.Write(value.ObservationSize);
        writer.Write(ActionSizeKey); writer.Write(value.ActionSize);
        writer.Write(RewardTermNamesKey);
        writer.WriteArrayHeader(value.RewardTermNames.Length);
        foreach (string name in value.RewardTermNames) writer.Write(name);
        writer.Write(PhysicsStateSizeKey); writer.Write(value.PhysicsStateSize);
        writer.Write(StepsKey); writer.Write(value.Steps);
        writer.Write(ObservationsKey); WriteSingles(ref writer, value.Observations);
        writer.Write(ActionsKey); WriteSingles(ref writer, value.Actions);
        writer.Write(RewardsKey); WriteSingles(ref writer, value.Rewards);
        writer.Write(RewardTermsKey); WriteSingles(ref writer, value.RewardTerms);
        writer.Write(TerminatedKey); WriteBooleans(ref writer, value.Terminated);
        writer.Write(TruncatedKey); WriteBooleans(ref writer, value.Truncated);
        writer.Write(PhysicsStatesKey); WriteDoubles(ref writer, value.PhysicsStates);
        writer.Write(HasFinalPhysicsStateKey); writer.Write(value.HasFinalPhysicsState);
        if (value.Captions.Length > 0)
        {
            writer.Write(CaptionsKey);
            writer.WriteArrayHeader(value.Captions.Length);
            foreach (string caption in value.Captions) writer.Write(caption);
        }
        if (value.EnvArgs.Count > 0)
        {
            writer.Write(EnvArgsKey);
            writer.WriteMapHeader(value.EnvArgs.Count);
            foreach (var (key, text) in value.EnvArgs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.Write(key);
                writer.Write(text);
            }
        }
    }

    public Trajectory Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        Expect(ref reader, MessagePackType.Map, "trajectory", "a map of named fields");
        int count = reader.ReadMapHeader();
        string? envId = null;
        int envIndex = 0, episodeIndex = 0, firstStep = 0, physicsStateSize = 0;
        int? observationSize = null, actionSize = null, steps = null;
        ulong? seed = null;
        string[] rewardTermNames = [];
        float[]? observations = null, actions = null, rewards = null;
        float[] rewardTerms = [];
        bool[]? terminated = null, truncated = null;
        double[] physicsStates = [];
        bool hasFinalPhysicsState = false;
        string[] captions = [];
        var envArgs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            Expect(ref reader, MessagePackType.String, $"key {i} of the trajectory map", "a field name");
            string key = reader.ReadString()!;
            switch (key)
            {
                case EnvIdKey: envId = ReadString(ref reader, key); break;
                case EnvIndexKey: envIndex = ReadInt32(ref reader, key); break;
                case SeedKey: seed = ReadOptionalUInt64(ref reader, key); break;
                case EpisodeIndexKey: episodeIndex = ReadInt32(ref reader, key); break;
                case FirstStepKey: firstStep = ReadInt32(ref reader, key); break;
                case ObservationSizeKey: observationSize = ReadInt32(ref reader, key); break;
                case ActionSizeKey: actionSize = ReadInt32(ref reader, key); break;
                case RewardTermNamesKey: rewardTermNames = ReadStrings(ref reader, key); break;
                case PhysicsStateSizeKey: physicsStateSize = ReadInt32(ref reader, key); break;
                case StepsKey: steps = ReadInt32(ref reader, key); break;
                case ObservationsKey: observations = ReadSingles(ref reader, key); break;
                case ActionsKey: actions = ReadSingles(ref reader, key); break;
                case RewardsKey: rewards = ReadSingles(ref reader, key); break;
                case RewardTermsKey: rewardTerms = ReadSingles(ref reader, key); break;
                case TerminatedKey: terminated = ReadBooleans(ref reader, key); break;
                case TruncatedKey: truncated = ReadBooleans(ref reader, key); break;
                case PhysicsStatesKey: physicsStates = ReadDoubles(ref reader, key); break;
                case CaptionsKey: captions = ReadStrings(ref reader, key); break;
                case EnvArgsKey: envArgs = ReadStringMap(ref reader, key); break;
                case HasFinalPhysicsStateKey:
                    Expect(ref reader, MessagePackType.Boolean, key, "a boolean");
                    hasFinalPhysicsState = reader.ReadBoolean();
                    break;
                default: SkipValue(ref reader); break;
            }
        }
        return new Trajectory
        {
            EnvId = envId ?? throw Missing(EnvIdKey),
            EnvIndex = envIndex,
            Seed = seed,
            EpisodeIndex = episodeIndex,
            FirstStep = firstStep,
            ObservationSize = observationSize ?? throw Missing(ObservationSizeKey),
            ActionSize = actionSize ?? throw Missing(ActionSizeKey),
            RewardTermNames = rewardTermNames,
            PhysicsStateSize = physicsStateSize,
            Steps = steps ?? throw Missing(StepsKey),
            Observations = observations ?? throw Missing(ObservationsKey),
            Actions = actions ?? throw Missing(ActionsKey),
            Rewards = rewards ?? throw Missing(RewardsKey),
            RewardTerms = rewardTerms,
            Terminated = terminated ?? throw Missing(TerminatedKey),
            Truncated = truncated ?? throw Missing(TruncatedKey),
            PhysicsStates = physicsStates,
            HasFinalPhysicsState = hasFinalPhysicsState,
            Captions = captions,
            EnvArgs = envArgs,
        };
    }

    /// <summary>Skips one value of any nesting without recursion, so a hostile file cannot overflow the stack.</summary>
    public static void SkipValue(ref MessagePackReader reader)
    {
        long pending = 1;
        while (pending > 0)
        {
            pending--;
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Array: pending += reader.ReadArrayHeader(); break;
                case MessagePackType.Map: pending += 2L * reader.ReadMapHeader(); break;
                default: reader.Skip(); break;
            }
        }
    }

    static InvalidDataException Missing(string key) => new($"trajectory field '{key}' is missing");

    static void Expect(ref MessagePackReader reader, MessagePackType type, string what, string expected)
    {
        if (reader.End) throw new InvalidDataException($"{what} is cut off: expected {expected}");
        var actual = reader.NextMessagePackType;
        if (actual != type) throw new InvalidDataException($"{what} is a msgpack {actual}, expected {expected}");
    }

    static string ReadString(ref MessagePackReader reader, string key)
    {
        Expect(ref reader, MessagePackType.String, $"field '{key}'", "a string");
        return reader.ReadString()!;
    }

    static int ReadInt32(ref MessagePackReader reader, string key)
    {
        Expect(ref reader, MessagePackType.Integer, $"field '{key}'", "an integer");
        long value = reader.ReadInt64();
        if (value < int.MinValue || value > int.MaxValue)
            throw new InvalidDataException($"field '{key}' is {value}, outside the 32-bit range");
        return (int)value;
    }

    static ulong? ReadOptionalUInt64(ref MessagePackReader reader, string key)
    {
        if (reader.TryReadNil()) return null;
        Expect(ref reader, MessagePackType.Integer, $"field '{key}'", "an unsigned integer or nil");
        return reader.ReadUInt64();
    }

    static string[] ReadStrings(ref MessagePackReader reader, string key)
    {
        Expect(ref reader, MessagePackType.Array, $"field '{key}'", "an array of strings");
        var result = new string[reader.ReadArrayHeader()];
        for (int i = 0; i < result.Length; i++)
        {
            Expect(ref reader, MessagePackType.String, $"field '{key}'[{i}]", "a string");
            result[i] = reader.ReadString()!;
        }
        return result;
    }

    static SortedDictionary<string, string> ReadStringMap(ref MessagePackReader reader, string key)
    {
        Expect(ref reader, MessagePackType.Map, $"field '{key}'", "a map of strings to strings");
        int count = reader.ReadMapHeader();
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            Expect(ref reader, MessagePackType.String, $"key {i} of field '{key}'", "a string");
            string name = reader.ReadString()!;
            Expect(ref reader, MessagePackType.String, $"field '{key}'['{name}']", "a string");
            if (!result.TryAdd(name, reader.ReadString()!))
                throw new InvalidDataException($"field '{key}' has the key '{name}' twice");
        }
        return result;
    }

    static ReadOnlySequence<byte> ReadBlob(ref MessagePackReader reader, string key, int elementSize, string elementName)
    {
        Expect(ref reader, MessagePackType.Binary, $"field '{key}'", $"binary little-endian {elementName} data");
        var bytes = reader.ReadBytes()!.Value;
        if (bytes.Length % elementSize != 0)
            throw new InvalidDataException($"field '{key}' has {bytes.Length} bytes, not a multiple of {elementSize} ({elementName})");
        return bytes;
    }

    static float[] ReadSingles(ref MessagePackReader reader, string key)
    {
        var bytes = ReadBlob(ref reader, key, sizeof(float), "float32");
        var result = new float[bytes.Length / sizeof(float)];
        bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            var bits = MemoryMarshal.Cast<float, int>(result.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
        return result;
    }

    static double[] ReadDoubles(ref MessagePackReader reader, string key)
    {
        var bytes = ReadBlob(ref reader, key, sizeof(double), "float64");
        var result = new double[bytes.Length / sizeof(double)];
        bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            var bits = MemoryMarshal.Cast<double, long>(result.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
        return result;
    }

    static bool[] ReadBooleans(ref MessagePackReader reader, string key)
    {
        var bytes = ReadBlob(ref reader, key, 1, "0/1 byte");
        var raw = bytes.ToArray();
        var result = new bool[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] > 1) throw new InvalidDataException($"field '{key}'[{i}] is byte {raw[i]}, expected 0 or 1");
            result[i] = raw[i] == 1;
        }
        return result;
    }

    static void WriteSingles(ref MessagePackWriter writer, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            writer.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        writer.WriteBinHeader(checked(values.Length * sizeof(float)));
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(writer.GetSpan(sizeof(float)), v);
            writer.Advance(sizeof(float));
        }
    }

    static void WriteDoubles(ref MessagePackWriter writer, ReadOnlySpan<double> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            writer.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        writer.WriteBinHeader(checked(values.Length * sizeof(double)));
        foreach (double v in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(writer.GetSpan(sizeof(double)), v);
            writer.Advance(sizeof(double));
        }
    }

    static void WriteBooleans(ref MessagePackWriter writer, ReadOnlySpan<bool> values)
    {
        writer.WriteBinHeader(values.Length);
        var destination = writer.GetSpan(values.Length);
        for (int i = 0; i < values.Length; i++) destination[i] = values[i] ? (byte)1 : (byte)0;
        writer.Advance(values.Length);
    }
}
