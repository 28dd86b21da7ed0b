using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sim.Foundation;

namespace Sim.Alignment.Tokenization;

/// <summary>A byte-level BPE tokenizer learned from the training corpus (<see cref="BpeTrainer"/>) and saved beside the
/// model: ids 0–2 are the padding, beginning and end of sequence, 3–258 the bytes, and the rest merges in learned order.</summary>
/// <remarks>
/// <para>Why not GPT-2's vocabulary: the generated language has a few hundred words, so a corpus BPE of a few hundred
/// ids covers it in fewer tokens, and the embedding and output layers are ~100× smaller than with 50,257 ids, which is
/// most of a small model's cost on a CPU. Bytes are always in the vocabulary, so any text (a real dataset) still
/// encodes, just in more tokens.</para>
/// <para><see cref="Identity"/> is a hash of the merges: a model file records it, and loading a model with a
/// tokenizer of another identity (another run's) is refused. Encoding caches each word; not thread-safe.</para>
/// </remarks>
public sealed partial class BpeTokenizer
{
    /// <summary>Padding (never trained on; masks say which positions are real).</summary>
    public const int PadId = 0;

    /// <summary>Begins every sequence.</summary>
    public const int BosId = 1;

    /// <summary>Ends every completion: sampling stops when it is drawn.</summary>
    public const int EosId = 2;

    /// <summary>The id of byte 0; byte b is <c>FirstByteId + b</c>.</summary>
    public const int FirstByteId = 3;

    /// <summary>The id of the first learned merge.</summary>
    public const int FirstMergeId = FirstByteId + 256;

    /// <summary>The <c>format</c> field of a saved tokenizer.</summary>
    public const string Format = "sim-byte-bpe";

    /// <summary>The version of the saved form this build writes and reads.</summary>
    public const int Version = 1;

    private readonly (int Left, int Right)[] _merges;
    private readonly Dictionary<(int, int), int> _ranks = new();
    private readonly byte[][] _bytes;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    /// <summary>A tokenizer applying <paramref name="merges"/> in order; merge i makes id <c>FirstMergeId + i</c>.</summary>
    public BpeTokenizer(IReadOnlyList<(int Left, int Right)> merges)
    {
        ArgumentNullException.ThrowIfNull(merges);
        _merges = merges.ToArray();
        _bytes = new byte[FirstMergeId + _merges.Length][];
        for (int id = 0; id < FirstByteId; id++) _bytes[id] = [];
        for (int b = 0; b < 256; b++) _bytes[FirstByteId + b] = [(byte)b];
        for (int i = 0; i < _merges.Length; i++)
        {
            var (left, right) = _merges[i];
            int id = FirstMergeId + i;
            if (left < FirstByteId || left >= id || right < FirstByteId || right >= id)
                throw new ArgumentException($"merge {i} = ({left}, {right}): expected two byte or earlier merge ids in [{FirstByteId}, {id - 1}]", nameof(merges));
            if (!_ranks.TryAdd((left, right), i))
                throw new ArgumentException($"merge {i} = ({left}, {right}) repeats merge {_ranks[(left, right)]}", nameof(merges));
            _bytes[id] = [.. _bytes[left], .. _bytes[right]];
        }
        Identity = ComputeIdentity(_merges);
    }

    /// <summary>Ids in the vocabulary: specials, bytes and merges.</summary>
    public int VocabularySize => _bytes.Length;

    /// <summary>The merges in the order they apply.</summary>
    public IReadOnlyList<(int Left, int Right)> Merges => _merges;

    /// <summary>A hash of the merges (16 hex digits) that tells this tokenizer from any other.</summary>
    public string Identity { get; }

    /// <summary>The ids of <paramref name="text"/>, without BOS or EOS.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 2 + 1);
        foreach (var word in SplitWords(text))
        {
            if (!_cache.TryGetValue(word, out var wordIds))
            {
                var symbols = ByteIds(word);
                ApplyMerges(symbols);
                wordIds = symbols.ToArray();
                _cache[word] = wordIds;
            }
            ids.AddRange(wordIds);
        }
        return ids.ToArray();
    }

    /// <summary>The text of <paramref name="ids"/>; the special ids add nothing, and bytes that are not valid UTF-8 become U+FFFD.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_bytes.Length)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id}: expected an id in [0, {_bytes.Length - 1}]");
            bytes.AddRange(_bytes[id]);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Writes the tokenizer as JSON to <paramref name="path"/>, atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var saved = new SavedForm(Format, Version, Identity, _merges.Select(m => new[] { m.Left, m.Right }).ToArray());
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(saved, new JsonSerializerOptions { WriteIndented = false }));
    }

    /// <summary>Reads a tokenizer written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Naming the file and the field when it is not a tokenizer of this format, or
    /// its merges do not hash to the identity it records (a damaged or edited file).</exception>
    public static BpeTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"tokenizer file '{full}' does not exist: expected the tokenizer.json saved with the model", full);
        SavedForm? saved;
        try
        {
            saved = JsonSerializer.Deserialize<SavedForm>(File.ReadAllBytes(full));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"tokenizer file '{full}' is not valid JSON: {e.Message}", e);
        }
        if (saved is null || saved.format != Format)
            throw new InvalidDataException($"tokenizer file '{full}' has format \"{saved?.format}\": expected \"{Format}\"");
        if (saved.version != Version)
            throw new InvalidDataException($"tokenizer file '{full}' has version {saved.version}: this build reads version {Version}");
        if (saved.merges is null) throw new InvalidDataException($"tokenizer file '{full}' has no \"merges\" field");
        var merges = new (int, int)[saved.merges.Length];
        for (int i = 0; i < merges.Length; i++)
        {
            if (saved.merges[i] is not { Length: 2 } pair)
                throw new InvalidDataException($"tokenizer file '{full}' has merges[{i}] that is not a pair of ids");
            merges[i] = (pair[0], pair[1]);
        }
        BpeTokenizer tokenizer;
        try
        {
            tokenizer = new BpeTokenizer(merges);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"tokenizer file '{full}' is not valid: {e.Message}", e);
        }
        if (tokenizer.Identity != saved.identity)
            throw new InvalidDataException($"tokenizer file '{full}' records identity {saved.identity}, but its merges hash to {tokenizer.Identity}: the file was damaged or edited");
        return tokenizer;
    }

    // GPT-2's split: a word keeps the space before it, so spacing survives the round trip, and letters, digits and
    // punctuation never share a token.
    [GeneratedRegex(@" ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();

    internal static IEnumerable<string> SplitWords(string text)
    {
        foreach (Match match in WordPattern().Matches(text)) yield return match.Value;
    }

    internal static List<int> ByteIds(string word)
    {
        var bytes = Encoding.UTF8.GetBytes(word);
        var ids = new List<int>(bytes.Length);
        foreach (byte b in bytes) ids.Add(FirstByteId + b);
        return ids;
    }

    /// <summary>Replaces every adjacent (<paramref name="left"/>, <paramref name="right"/>) in <paramref name="symbols"/>, left to right, by <paramref name="merged"/>.</summary>
    internal static void MergeAll(List<int> symbols, int left, int right, int merged)
    {
        int write = 0;
        for (int read = 0; read < symbols.Count; read++)
        {
            if (read + 1 < symbols.Count && symbols[read] == left && symbols[read + 1] == right)
            {
                symbols[write++] = merged;
                read++;
            }
            else
            {
                symbols[write++] = symbols[read];
            }
        }
        symbols.RemoveRange(write, symbols.Count - write);
    }

    // Applies merges in the order they were learned: the lowest-ranked pair present first, as training made them.
    private void ApplyMerges(List<int> symbols)
    {
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank < bestRank) bestRank = rank;
            if (bestRank == int.MaxValue) return;
            var (left, right) = _merges[bestRank];
            MergeAll(symbols, left, right, FirstMergeId + bestRank);
        }
    }

    private static string ComputeIdentity((int Left, int Right)[] merges)
    {
        var bytes = new byte[8 + merges.Length * 8];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), Version);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), merges.Length);
        for (int i = 0; i < merges.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(8 + i * 8), merges[i].Left);
            BitConverter.TryWriteBytes(bytes.AsSpan(12 + i * 8), merges[i].Right);
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
    }

#pragma warning disable IDE1006 // JSON field names as written
    private sealed record SavedForm(string format, int version, string identity, int[][] merges);
#pragma warning restore IDE1006
}
