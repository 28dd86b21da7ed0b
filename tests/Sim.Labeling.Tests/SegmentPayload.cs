using System.Buffers.Binary;
using System.Text;

namespace Sim.Labeling.Tests;

/// <summary>A stored segment's payload (a msgpack map of named fields), written byte by byte here so that a synthetic
/// label store is built without the codec under test.</summary>
internal static class SegmentPayload
{
    /// <summary>The payload of a segment of <paramref name="length"/> steps with the given per-step rows.</summary>
    public static byte[] Encode(string envId, long episode, int length, int observationSize, int actionSize, float[] observations, float[] actions, float[] trueRewards)
    {
        var bytes = new List<byte> { 0x89 }; // a map of 9 entries
        Text(bytes, "env_id"); Text(bytes, envId);
        Text(bytes, "source"); Text(bytes, "synthetic");
        Text(bytes, "episode"); Int(bytes, episode);
        Text(bytes, "length"); Int(bytes, length);
        Text(bytes, "observation_size"); Int(bytes, observationSize);
        Text(bytes, "action_size"); Int(bytes, actionSize);
        Text(bytes, "observations"); Floats(bytes, observations);
        Text(bytes, "actions"); Floats(bytes, actions);
        Text(bytes, "true_rewards"); Floats(bytes, trueRewards);
        return [.. bytes];
    }

    static void Text(List<byte> bytes, string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        if (utf8.Length > 31) throw new ArgumentException($"'{value}' is longer than a fixstr");
        bytes.Add((byte)(0xa0 | utf8.Length));
        bytes.AddRange(utf8);
    }

    // int64, big-endian (0xd3), whatever the value.
    static void Int(List<byte> bytes, long value)
    {
        bytes.Add(0xd3);
        var buffer = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        bytes.AddRange(buffer);
    }

    // bin 32 (0xc6) holding the floats little-endian, as the store keeps arrays.
    static void Floats(List<byte> bytes, float[] values)
    {
        bytes.Add(0xc6);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, values.Length * 4);
        bytes.AddRange(length);
        var buffer = new byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
            bytes.AddRange(buffer);
        }
    }
}
