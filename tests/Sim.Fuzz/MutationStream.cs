using System.Text;
using Sim.Foundation;

namespace Sim.Fuzz;

/// <summary>Deterministic mutations of seed inputs (bit flips, boundary integers, truncations, splices, deleted, duplicated
/// and inserted chunks, and numbers in text replaced by extreme literals): the in-process stand-in for the fuzzer's
/// mutator, so that the test suite exercises every loader on thousands of malformed inputs without AFL.</summary>
public sealed class MutationStream
{
    static readonly long[] BoundaryIntegers = [0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue];

    static readonly string[] ExtremeLiterals =
        ["-1", "0", "1e308", "-1e308", "1e-320", "2147483648", "-2147483649", "9223372036854775808", "18446744073709551616", "NaN", "Infinity", "null", "\"\"", "[]", "{}", "true"];

    readonly IReadOnlyList<byte[]> _seeds;
    SimRandom _random;

    /// <summary>Mutates <paramref name="seeds"/> with a stream fixed by <paramref name="seed"/>.</summary>
    public MutationStream(IReadOnlyList<byte[]> seeds, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("expected at least one seed input to mutate", nameof(seeds));
        _seeds = seeds;
        _random = new SimRandom(seed);
    }

    /// <summary>The next mutant: a random seed with one to four mutations applied.</summary>
    public byte[] Next()
    {
        var bytes = new List<byte>(_seeds[_random.NextInt(_seeds.Count)]);
        int mutations = 1 + _random.NextInt(4);
        for (int i = 0; i < mutations; i++) Mutate(bytes);
        return bytes.ToArray();
    }

    void Mutate(List<byte> bytes)
    {
        int kind = _random.NextInt(bytes.Count == 0 ? 2 : 9);
        switch (kind)
        {
            case 0: // splice: a prefix of this input and a suffix of another seed
            {
                byte[] other = _seeds[_random.NextInt(_seeds.Count)];
                int keep = _random.NextInt(bytes.Count + 1);
                bytes.RemoveRange(keep, bytes.Count - keep);
                bytes.AddRange(other.AsSpan(_random.NextInt(other.Length + 1)).ToArray());
                break;
            }
            case 1: // insert random bytes
            {
                int at = _random.NextInt(bytes.Count + 1);
                var chunk = new byte[1 + _random.NextInt(16)];
                for (int i = 0; i < chunk.Length; i++) chunk[i] = (byte)_random.NextInt(256);
                bytes.InsertRange(at, chunk);
                break;
            }
            case 2: // flip one bit
            {
                int at = _random.NextInt(bytes.Count);
                bytes[at] ^= (byte)(1 << _random.NextInt(8));
                break;
            }
            case 3: // set one byte to a random value
                bytes[_random.NextInt(bytes.Count)] = (byte)_random.NextInt(256);
                break;
            case 4: // truncate
            {
                int keep = _random.NextInt(bytes.Count);
                bytes.RemoveRange(keep, bytes.Count - keep);
                break;
            }
            case 5: // overwrite 1, 2, 4 or 8 bytes with a boundary integer, little- or big-endian
            {
                int width = 1 << _random.NextInt(4);
                int at = _random.NextInt(bytes.Count);
                long value = BoundaryIntegers[_random.NextInt(BoundaryIntegers.Length)];
                bool bigEndian = _random.NextInt(2) == 0;
                for (int i = 0; i < width && at + i < bytes.Count; i++)
                {
                    int shift = 8 * (bigEndian ? width - 1 - i : i);
                    bytes[at + i] = (byte)(value >> shift);
                }
                break;
            }
            case 6: // delete a chunk
            {
                int at = _random.NextInt(bytes.Count);
                bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + _random.NextInt(32)));
                break;
            }
            case 7: // duplicate a chunk in place
            {
                int at = _random.NextInt(bytes.Count);
                var chunk = bytes.GetRange(at, Math.Min(bytes.Count - at, 1 + _random.NextInt(32)));
                bytes.InsertRange(at, chunk);
                break;
            }
            default: // replace a run of digits (a number in JSON, or digit bytes anywhere) by an extreme literal
                ReplaceDigits(bytes);
                break;
        }
    }

    void ReplaceDigits(List<byte> bytes)
    {
        int start = _random.NextInt(bytes.Count);
        while (start < bytes.Count && !IsDigit(bytes[start])) start++;
        if (start == bytes.Count) return;
        int end = start;
        while (end < bytes.Count && (IsDigit(bytes[end]) || bytes[end] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'-' or (byte)'+')) end++;
        while (start > 0 && bytes[start - 1] == (byte)'-') start--;
        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Encoding.ASCII.GetBytes(ExtremeLiterals[_random.NextInt(ExtremeLiterals.Length)]));
    }

    static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
