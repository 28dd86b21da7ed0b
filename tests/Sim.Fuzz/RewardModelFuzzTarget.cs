using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Sim.Rewards.Serialization;

namespace Sim.Fuzz;

/// <summary>Fuzzes <see cref="RewardModelFile.Read"/>. An input that starts with the file magic is read as a whole file;
/// any other input is taken as the body and given a valid preamble and CRC, so that mutations reach the body parser.</summary>
/// <remarks>Seeds are built from the documented layout rather than by saving a model, so the harness needs no libtorch.</remarks>
public sealed class RewardModelFuzzTarget : FuzzTarget
{
    const int ChecksumSize = 4;
    readonly string _path;

    /// <summary>Creates the target; inputs are written to one scratch file and read back.</summary>
    public RewardModelFuzzTarget() => _path = Path.Combine(ScratchDirectory, "reward_model.bin");

    /// <inheritdoc />
    public override string Name => "reward-model";

    /// <inheritdoc />
    public override string DocumentedRejection => nameof(RewardModelFormatException);

    /// <inheritdoc />
    public override IReadOnlyList<FuzzSeed> Seeds()
    {
        byte[] body = SampleBody();
        return [new("body.bin", body), new("file.bin", WithValidFraming(body))];
    }

    // Two members of a 3 → 2 linear layer: kind and config strings, member count, per member its named tensors.
    static byte[] SampleBody()
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteString(writer, "robot");
            WriteString(writer, "{\"ObservationSize\":3,\"ActionSize\":0}");
            writer.Write(2);
            for (int m = 0; m < 2; m++)
            {
                writer.Write(2);
                WriteTensor(writer, "fc.weight", [2, 3], m);
                WriteTensor(writer, "fc.bias", [2], m);
            }
        }
        return stream.ToArray();
    }

    static void WriteTensor(BinaryWriter writer, string name, long[] shape, int member)
    {
        WriteString(writer, name);
        writer.Write(shape.Length);
        foreach (long size in shape) writer.Write(size);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        for (long i = 0; i < count; i++) writer.Write(member + i * 0.5f);
    }

    static void WriteString(BinaryWriter writer, string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        writer.Write(utf8.Length);
        writer.Write(utf8);
    }

    static byte[] WithValidFraming(byte[] body)
    {
        var file = new byte[RewardModelFile.PreambleSize + body.Length + ChecksumSize];
        RewardModelFile.Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), RewardModelFile.CurrentVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(12), (ulong)body.Length);
        body.CopyTo(file, RewardModelFile.PreambleSize);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - ChecksumSize), Crc32.HashToUInt32(file.AsSpan(0, file.Length - ChecksumSize)));
        return file;
    }

    /// <inheritdoc />
    protected override void Load(byte[] input)
    {
        File.WriteAllBytes(_path, input.AsSpan().StartsWith(RewardModelFile.Magic) ? input : WithValidFraming(input));
        RewardModelFile.Read(_path);
    }

    /// <inheritdoc />
    protected override bool IsDocumentedRejection(Exception e) => e is RewardModelFormatException;
}
