using Sim.Alignment.Tokenization;
using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>Packs prompts and completions into right-padded batches for a model with context <see cref="ContextLength"/>:
/// as a <see cref="CompletionBatch"/> for the language model, or as the reward core's <see cref="ItemBatch"/> (ids and
/// mask) for a text reward encoder.</summary>
public sealed class CompletionCollator : IItemCollator<TokenizedCompletion>
{
    /// <summary>A collator refusing sequences longer than <paramref name="contextLength"/> tokens.</summary>
    public CompletionCollator(int contextLength)
    {
        if (contextLength < 2) throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, $"contextLength = {contextLength}: expected at least 2");
        ContextLength = contextLength;
    }

    /// <summary>Longest packed sequence, BOS and EOS included.</summary>
    public int ContextLength { get; }

    /// <summary>Throws when <paramref name="item"/> does not fit the context, naming it as <paramref name="name"/> (e.g.
    /// <c>example 3</c>) with its lengths.</summary>
    public void Check(TokenizedCompletion item, string name)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Prompt is null || item.Completion is null)
            throw new ArgumentException($"{name} has no {(item.Prompt is null ? "prompt" : "completion")} ids");
        if (item.SequenceLength > ContextLength)
            throw new ArgumentException(
                $"{name}: prompt of {item.Prompt.Length} tokens + completion of {item.Completion.Length} tokens + BOS and EOS = {item.SequenceLength} tokens: longer than the context of {ContextLength}");
    }

    /// <summary>Packs <paramref name="items"/> on <paramref name="device"/>, padding to the longest.</summary>
    public CompletionBatch Pack(IReadOnlyList<TokenizedCompletion> items, Device device)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("no sequences to pack: expected at least one", nameof(items));
        for (int i = 0; i < items.Count; i++) Check(items[i], $"example {i}");
        int longest = items.Max(i => i.SequenceLength);
        var ids = new long[items.Count * longest];
        var mask = new float[items.Count * longest];
        var completionMask = new float[items.Count * longest];
        for (int row = 0; row < items.Count; row++)
        {
            var item = items[row];
            int offset = row * longest;
            ids[offset] = BpeTokenizer.BosId;
            for (int t = 0; t < item.Prompt.Length; t++) ids[offset + 1 + t] = item.Prompt[t];
            int completionStart = 1 + item.Prompt.Length;
            for (int t = 0; t < item.Completion.Length; t++) ids[offset + completionStart + t] = item.Completion[t];
            ids[offset + item.SequenceLength - 1] = BpeTokenizer.EosId;
            for (int t = 0; t < item.SequenceLength; t++) mask[offset + t] = 1;
            for (int t = completionStart; t < item.SequenceLength; t++) completionMask[offset + t] = 1;
        }
        var shape = new long[] { items.Count, longest };
        return new CompletionBatch(tensor(ids, shape).to(device), tensor(mask, shape).to(device), tensor(completionMask, shape).to(device));
    }

    /// <inheritdoc/>
    public ItemBatch Collate(IReadOnlyList<TokenizedCompletion> items, Device device)
    {
        var batch = Pack(items, device);
        batch.CompletionMask.Dispose();
        return new ItemBatch(batch.Ids, batch.Mask);
    }
}
