using System.Buffers.Binary;
using System.Text;
using Sim.Learning.Runs;

namespace Sim.Learning.Tests.Runs;

/// <summary>Reads the TensorBoard event files back with a TFRecord and protobuf reader written here, independent of the code that writes them.</summary>
public sealed class TensorBoardEventTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void Crc32c_of_the_standard_check_string_is_the_published_value()
    {
        // The check value of CRC-32C (Castagnoli) from the CRC catalogue, confirming the reader's CRC below.
        Assert.Equal(0xE3069283u, Crc32C("123456789"u8));
    }

    [Fact]
    public void Logged_scalars_are_in_an_event_file_with_valid_framing()
    {
        using var temp = new TempDirectory();
        string tensorBoard = temp.File("tensorboard");
        using (var logger = new MetricsLogger(temp.File("metrics.csv"), tensorBoard, time: new ManualClock(Start)))
        {
            logger.Log("charts/episodic_return", 12.5, 100);
            logger.Log("losses/value_loss", 0.25, 100);
            logger.Log("charts/episodic_return", -3, 2048);
        }

        string file = Assert.Single(Directory.GetFiles(tensorBoard, "events.out.tfevents.*"));
        Assert.True(new FileInfo(file).Length > 0);
        List<EventRecord> events = ReadEvents(File.ReadAllBytes(file));

        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = events.Where(e => e.Tag != null).Select(e => (e.Tag, e.Step, e.Value, e.WallTime)).ToList();
        Assert.Equal(
            [("charts/episodic_return", 100L, 12.5f, 1_700_000_000.0), ("losses/value_loss", 100L, 0.25f, 1_700_000_000.0), ("charts/episodic_return", 2048L, -3f, 1_700_000_000.0)],
            scalars);
    }

    [Fact]
    public void Resuming_removes_tensorboard_events_after_the_resume_step()
    {
        using var temp = new TempDirectory();
        string tensorBoard = temp.File("tensorboard");
        string csv = temp.File("metrics.csv");
        using (var logger = new MetricsLogger(csv, tensorBoard, time: new ManualClock(Start)))
        {
            for (long step = 1; step <= 5; step++)
            {
                logger.Log("charts/SPS", step * 10, step);
            }
        }
        // A crash in the middle of a record leaves a partial record at the end of the file.
        string oldFile = Assert.Single(Directory.GetFiles(tensorBoard));
        using (var stream = new FileStream(oldFile, FileMode.Append))
        {
            stream.Write(new byte[] { 40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3 });
        }

        using (var resumed = new MetricsLogger(csv, tensorBoard, resumeFromStep: 3, time: new ManualClock(Start)))
        {
            resumed.Log("charts/SPS", 400, 4);
        }

        var steps = Directory.GetFiles(tensorBoard)
            .SelectMany(f => ReadEvents(File.ReadAllBytes(f)))
            .Where(e => e.Tag == "charts/SPS")
            .Select(e => (e.Step, e.Value))
            .Order()
            .ToList();
        Assert.Equal([(1L, 10f), (2L, 20f), (3L, 30f), (4L, 400f)], steps);
    }

    /// <summary>One event as far as these tests need it.</summary>
    private sealed record EventRecord(double WallTime, long Step, string? FileVersion, string? Tag, float Value);

    // TFRecord: uint64 length, uint32 masked CRC-32C of the length bytes, payload, uint32 masked CRC-32C of the payload.
    private static List<EventRecord> ReadEvents(byte[] file)
    {
        var events = new List<EventRecord>();
        int at = 0;
        while (at < file.Length)
        {
            Assert.True(file.Length - at >= 12, $"record header at byte {at} is cut short");
            ReadOnlySpan<byte> lengthBytes = file.AsSpan(at, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            Assert.Equal(Mask(Crc32C(lengthBytes)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)));
            Assert.True((ulong)(file.Length - at - 16) >= length, $"record at byte {at} is cut short");
            ReadOnlySpan<byte> payload = file.AsSpan(at + 12, (int)length);
            Assert.Equal(Mask(Crc32C(payload)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + (int)length)));
            events.Add(ParseEvent(payload));
            at += 16 + (int)length;
        }
        return events;
    }

    // tensorflow.Event: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5 (Summary).
    private static EventRecord ParseEvent(ReadOnlySpan<byte> payload)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        string? tag = null;
        float value = float.NaN;
        int at = 0;
        while (at < payload.Length)
        {
            (int field, int wire) = Key(payload, ref at);
            switch (field, wire)
            {
                case (1, 1):
                    wallTime = BinaryPrimitives.ReadDoubleLittleEndian(payload[at..]);
                    at += 8;
                    break;
                case (2, 0):
                    step = (long)Varint(payload, ref at);
                    break;
                case (3, 2):
                    fileVersion = Encoding.UTF8.GetString(LengthDelimited(payload, ref at));
                    break;
                case (5, 2):
                    (tag, value) = ParseSummary(LengthDelimited(payload, ref at));
                    break;
                default:
                    Skip(payload, ref at, wire);
                    break;
            }
        }
        return new EventRecord(wallTime, step, fileVersion, tag, value);
    }

    // tensorflow.Summary: value = 1 (repeated Summary.Value); Summary.Value: tag = 1 (string), simple_value = 2 (float).
    private static (string? Tag, float Value) ParseSummary(ReadOnlySpan<byte> summary)
    {
        string? tag = null;
        float value = float.NaN;
        int at = 0;
        while (at < summary.Length)
        {
            (int field, int wire) = Key(summary, ref at);
            if (field != 1 || wire != 2)
            {
                Skip(summary, ref at, wire);
                continue;
            }
            ReadOnlySpan<byte> item = LengthDelimited(summary, ref at);
            int inner = 0;
            while (inner < item.Length)
            {
                (int itemField, int itemWire) = Key(item, ref inner);
                if (itemField == 1 && itemWire == 2)
                {
                    tag = Encoding.UTF8.GetString(LengthDelimited(item, ref inner));
                }
                else if (itemField == 2 && itemWire == 5)
                {
                    value = BinaryPrimitives.ReadSingleLittleEndian(item[inner..]);
                    inner += 4;
                }
                else
                {
                    Skip(item, ref inner, itemWire);
                }
            }
        }
        return (tag, value);
    }

    private static (int Field, int Wire) Key(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong key = Varint(bytes, ref at);
        return ((int)(key >> 3), (int)(key & 7));
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static ReadOnlySpan<byte> LengthDelimited(ReadOnlySpan<byte> bytes, ref int at)
    {
        int length = (int)Varint(bytes, ref at);
        ReadOnlySpan<byte> slice = bytes.Slice(at, length);
        at += length;
        return slice;
    }

    private static void Skip(ReadOnlySpan<byte> bytes, ref int at, int wire)
    {
        switch (wire)
        {
            case 0: Varint(bytes, ref at); break;
            case 1: at += 8; break;
            case 2: LengthDelimited(bytes, ref at); break;
            case 5: at += 4; break;
            default: throw new InvalidDataException($"wire type {wire} at byte {at} is not expected in an event");
        }
    }

    // Bitwise CRC-32C: reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF.
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }
        return ~crc;
    }

    // TFRecord's masking: rotate right by 15 bits and add 0xa282ead8.
    private static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
}
