using Sim.Foundation;
using System.Buffers.Binary;

namespace Sim.Learning.Runs;

/// <summary>Removes events past a step from TensorBoard event files, so that a resumed run does not show the lost steps twice.</summary>
/// <remarks>
/// An event file is a sequence of TFRecords: a little-endian uint64 length, a uint32 masked CRC of the length, the
/// payload (a serialized <c>tensorflow.Event</c> protobuf), and a uint32 masked CRC of the payload. Records that are
/// kept are copied byte for byte, CRCs included, so nothing here needs to compute a CRC. Only the Event's
/// <c>step</c> (field 2, a varint) is decoded; a payload that cannot be decoded is kept, as data we do not
/// understand is not ours to delete. A record cut short at the end of the file (a crash mid-write) is dropped.
/// </remarks>
internal static class TensorBoardEventTrimmer
{
    private const int HeaderBytes = sizeof(ulong) + sizeof(uint);
    private const int FooterBytes = sizeof(uint);
    private const int StepField = 2;

    /// <summary>Rewrites every event file under <paramref name="directory"/> that has events with step &gt; <paramref name="lastStep"/> or a torn tail.</summary>
    public static void TrimAfter(string directory, long lastStep)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        foreach (string path in Directory.EnumerateFiles(directory, "events.out.tfevents.*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(path).EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }
            byte[] bytes = File.ReadAllBytes(path);
            byte[]? kept = Trim(bytes, lastStep);
            if (kept != null)
            {
                AtomicFile.WriteAllBytes(path, kept);
            }
        }
    }

    /// <summary>The records of <paramref name="file"/> with step ≤ <paramref name="lastStep"/>, or null when that is all of the file.</summary>
    public static byte[]? Trim(ReadOnlySpan<byte> file, long lastStep)
    {
        using var kept = new MemoryStream(file.Length);
        bool changed = false;
        int at = 0;
        while (at < file.Length)
        {
            if (file.Length - at < HeaderBytes)
            {
                changed = true;
                break;
            }
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file[at..]);
            if (length > (ulong)(file.Length - at - HeaderBytes - FooterBytes))
            {
                changed = true;
                break;
            }
            int recordBytes = HeaderBytes + (int)length + FooterBytes;
            ReadOnlySpan<byte> payload = file.Slice(at + HeaderBytes, (int)length);
            if (TryReadStep(payload, out long step) && step > lastStep)
            {
                changed = true;
            }
            else
            {
                kept.Write(file.Slice(at, recordBytes));
            }
            at += recordBytes;
        }
        return changed ? kept.ToArray() : null;
    }

    /// <summary>Reads the step of a serialized Event; false when the payload is not a well-formed protobuf message.</summary>
    public static bool TryReadStep(ReadOnlySpan<byte> payload, out long step)
    {
        step = 0;
        int at = 0;
        while (at < payload.Length)
        {
            if (!TryReadVarint(payload, ref at, out ulong key))
            {
                return false;
            }
            int field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    if (!TryReadVarint(payload, ref at, out ulong value))
                    {
                        return false;
                    }
                    if (field == StepField)
                    {
                        step = (long)value;
                    }
                    break;
                case 1:
                    at += 8;
                    break;
                case 2:
                    if (!TryReadVarint(payload, ref at, out ulong length) || length > (ulong)(payload.Length - at))
                    {
                        return false;
                    }
                    at += (int)length;
                    break;
                case 5:
                    at += 4;
                    break;
                default:
                    return false;
            }
            if (at > payload.Length)
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int at, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= bytes.Length)
            {
                return false;
            }
            byte b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }
        return false;
    }
}
