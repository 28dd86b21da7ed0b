namespace Sim.Core.Trajectories;

/// <summary>Incremental CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zip and PNG.</summary>
/// <remarks>The BCL only ships CRC-32 in a separate package; a table-driven loop is enough for file checksums.</remarks>
internal struct Crc32
{
    static readonly uint[] Table = BuildTable();
    uint _state;

    /// <summary>A checksum over no bytes yet.</summary>
    public Crc32() => _state = 0xFFFFFFFFu;

    /// <summary>The checksum of every byte appended so far.</summary>
    public readonly uint Value => ~_state;

    /// <summary>Feeds <paramref name="bytes"/> into the checksum.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        uint state = _state;
        var table = Table;
        foreach (byte b in bytes) state = table[(state ^ b) & 0xFF] ^ (state >> 8);
        _state = state;
    }

    /// <summary>The checksum of <paramref name="bytes"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        var crc = new Crc32();
        crc.Append(bytes);
        return crc.Value;
    }

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
