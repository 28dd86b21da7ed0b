using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Packs token sequences as <c>[batch, longest]</c> int64 ids, padding with id 0 (also a real token, so only the
/// mask tells padding apart).</summary>
public sealed class TokenCollator : IItemCollator<TokenSequence>
{
    public ItemBatch Collate(IReadOnlyList<TokenSequence> items, Device device)
    {
        int longest = items.Max(i => i.Tokens.Length);
        var ids = new long[items.Count * longest];
        var mask = new float[items.Count * longest];
        for (int i = 0; i < items.Count; i++)
        {
            for (int t = 0; t < items[i].Tokens.Length; t++)
            {
                ids[i * longest + t] = items[i].Tokens[t];
                mask[i * longest + t] = 1;
            }
        }
        return new ItemBatch(tensor(ids, new long[] { items.Count, longest }).to(device), tensor(mask, new long[] { items.Count, longest }).to(device));
    }
}
