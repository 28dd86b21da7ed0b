namespace Sim.Alignment.Tokenization;

/// <summary>Learns byte-level BPE merges from a corpus (Sennrich et al.): start from bytes and repeatedly merge the most
/// frequent adjacent pair of symbols inside words, until the vocabulary has the size asked for.</summary>
/// <remarks>Pairs are counted over distinct words weighted by their frequency and recounted after every merge. That is
/// quadratic in principle, but a generated corpus has a few thousand distinct words at most, so it takes well under a
/// second; ties go to the pair with the smallest ids, so the same corpus always gives the same merges.</remarks>
public static class BpeTrainer
{
    /// <summary>Learns a tokenizer of at most <paramref name="vocabularySize"/> ids (specials and bytes included) from
    /// <paramref name="texts"/>; it stops earlier when no pair occurs at least twice.</summary>
    public static BpeTokenizer Train(IEnumerable<string> texts, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (vocabularySize < BpeTokenizer.FirstMergeId)
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize,
                $"vocabularySize = {vocabularySize}: expected at least {BpeTokenizer.FirstMergeId} (3 special tokens and 256 bytes)");

        var wordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            foreach (var word in BpeTokenizer.SplitWords(text))
                wordCounts[word] = wordCounts.GetValueOrDefault(word) + 1;
        }
        // Ordinal order, so that the merges do not depend on the order the corpus listed its words in.
        var words = wordCounts.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => (Symbols: BpeTokenizer.ByteIds(w.Key), Count: w.Value)).ToList();

        var merges = new List<(int Left, int Right)>();
        var pairCounts = new Dictionary<(int, int), long>();
        while (BpeTokenizer.FirstMergeId + merges.Count < vocabularySize)
        {
            pairCounts.Clear();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    pairCounts[(symbols[i], symbols[i + 1])] = pairCounts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            (int, int) best = default;
            long bestCount = 1;
            foreach (var (pair, count) in pairCounts)
                if (count > bestCount || (count == bestCount && bestCount > 1 && pair.CompareTo(best) < 0)) (best, bestCount) = (pair, count);
            if (bestCount < 2) break;
            int merged = BpeTokenizer.FirstMergeId + merges.Count;
            merges.Add(best);
            foreach (var (symbols, _) in words) BpeTokenizer.MergeAll(symbols, best.Item1, best.Item2, merged);
        }
        return new BpeTokenizer(merges);
    }
}
