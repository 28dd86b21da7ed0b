using System.Buffers.Binary;
using Sim.Rewards.Labels;

namespace Sim.Rewards.Tests;

/// <summary>Stores a token sequence as its ids, 4 little-endian bytes each.</summary>
public sealed class TokenCodec : IItemCodec<TokenSequence>
{
    public string Kind => "test-tokens";

    public string? FindInconsistency(TokenSequence item) => item.Tokens.Length == 0 ? "the sequence is empty, expected at least one token" : null;

    public byte[] Encode(TokenSequence item)
    {
        var bytes = new byte[4 * item.Tokens.Length];
        for (int i = 0; i < item.Tokens.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), item.Tokens[i]);
        return bytes;
    }

    public TokenSequence Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 0 || payload.Length % 4 != 0) throw new InvalidDataException($"{payload.Length} bytes: expected a positive multiple of 4");
        var tokens = new int[payload.Length / 4];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = BinaryPrimitives.ReadInt32LittleEndian(payload[(4 * i)..]);
        return new TokenSequence(tokens);
    }
}
