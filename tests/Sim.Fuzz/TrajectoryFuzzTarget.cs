using System.Buffers.Binary;
using System.IO.Hashing;
using Sim.Core.Trajectories;

namespace Sim.Fuzz;

/// <summary>Fuzzes <see cref="TrajectoryFile.Read"/>. An input that starts with the file magic is read as a whole file;
/// any other input is taken as the MessagePack payload and given a valid header, so that mutations reach the decoder
/// behind the checksums instead of all ending at the CRC check.</summary>
public sealed class TrajectoryFuzzTarget : FuzzTarget
{
    const int HeaderSize = 32;
    const uint Lz4Flag = 1;
    readonly string _path;

    /// <summary>Creates the target; inputs are written to one scratch file and read back.</summary>
    public TrajectoryFuzzTarget() => _path = Path.Combine(ScratchDirectory, "input.msgpack");

    /// <inheritdoc />
    public override string Name => "trajectory";

    /// <inheritdoc />
    public override string DocumentedRejection => nameof(TrajectoryFileException);

    static ReadOnlySpan<byte> Magic => "SIMTRAJ\0"u8;

    /// <inheritdoc />
    public override IReadOnlyList<FuzzSeed> Seeds()
    {
        var seeds = new List<FuzzSeed>();
        foreach (bool compress in new[] { false, true })
        {
            string path = Path.Combine(ScratchDirectory, $"seed-{compress}.msgpack");
            TrajectoryFile.Write(path, [Sample(steps: 3, physics: 4, terms: 2, seed: 7), Sample(steps: 0, physics: 0, terms: 0, seed: null)], compress);
            byte[] file = File.ReadAllBytes(path);
            string kind = compress ? "lz4" : "plain";
            seeds.Add(new FuzzSeed($"file-{kind}.bin", file));
            seeds.Add(new FuzzSeed($"payload-{kind}.bin", file[HeaderSize..]));
        }
        return seeds;
    }

    static Trajectory Sample(int steps, int physics, int terms, ulong? seed)
    {
        const int obs = 3, act = 2;
        int rows = physics == 0 ? 0 : steps + 1;
        return new Trajectory
        {
            EnvId = "Hopper-v1",
            EnvIndex = 1,
            Seed = seed,
            EpisodeIndex = 2,
            FirstStep = 5,
            ObservationSize = obs,
            ActionSize = act,
            RewardTermNames = Enumerable.Range(0, terms).Select(t => $"reward_{t}").ToArray(),
            PhysicsStateSize = physics,
            Steps = steps,
            Observations = Enumerable.Range(0, (steps + 1) * obs).Select(i => i * 0.5f).ToArray(),
            Actions = Enumerable.Range(0, steps * act).Select(i => -i * 0.25f).ToArray(),
            Rewards = Enumerable.Range(0, steps).Select(i => (float)i).ToArray(),
            RewardTerms = Enumerable.Range(0, steps * terms).Select(i => i * 0.125f).ToArray(),
            Terminated = Enumerable.Range(0, steps).Select(i => i == steps - 1).ToArray(),
            Truncated = new bool[steps],
            PhysicsStates = Enumerable.Range(0, rows * physics).Select(i => i * 0.01).ToArray(),
            HasFinalPhysicsState = physics > 0,
        };
    }

    /// <inheritdoc />
    protected override void Load(byte[] input)
    {
        File.WriteAllBytes(_path, input.AsSpan().StartsWith(Magic) ? input : WithValidHeader(input));
        TrajectoryFile.Read(_path);
    }

    // The header layout of TrajectoryFile (magic, version, flags, payload length, payload CRC, header CRC). The LZ4 flag
    // is set because the LZ4 reader also decodes uncompressed items, so both kinds of payload get through.
    static byte[] WithValidHeader(byte[] payload)
    {
        var file = new byte[HeaderSize + payload.Length];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), TrajectoryFile.CurrentSchemaVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), Lz4Flag);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(16), payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24), Crc32.HashToUInt32(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(28), Crc32.HashToUInt32(file.AsSpan(0, 28)));
        payload.CopyTo(file, HeaderSize);
        return file;
    }

    /// <inheritdoc />
    protected override bool IsDocumentedRejection(Exception e) => e is TrajectoryFileException;
}
