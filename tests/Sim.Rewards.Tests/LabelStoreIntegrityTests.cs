using Microsoft.Data.Sqlite;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Tests;

/// <summary>Checks what the label store does with damaged, foreign, old and read-only files, through a token codec.</summary>
public sealed class LabelStoreIntegrityTests
{
    // A token whose four bytes occur nowhere else in a small store, so the test can find the payload in the file.
    const int Marker = 0x5A17C0DE;

    static long AddLabelledPair(string path)
    {
        using var store = LabelStore<TokenSequence>.Open(path, new TokenCodec());
        var pair = store.AddPairs([new ItemPair<TokenSequence>(new TokenSequence([Marker, 7, 7]), new TokenSequence([1, 2]))], new PairProvenance(0, "uniform"))[0];
        store.RecordLabel(pair.Id, PreferenceLabel.Left, "teacher:test");
        return pair.Id;
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        }
        return -1;
    }

    [Fact]
    public void A_flipped_byte_inside_an_item_payload_fails_its_checksum_naming_the_pair_and_the_store()
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.File("labels.db");
        long pairId = AddLabelledPair(path);
        var bytes = File.ReadAllBytes(path);
        int at = IndexOf(bytes, BitConverter.GetBytes(Marker));
        Assert.True(at >= 0, "the payload's marker token is not in the file");
        bytes[at] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        // The page structure is intact, so the store opens; the damage shows when the item is read.
        using var store = LabelStore<TokenSequence>.Open(path, new TokenCodec());
        var ex = Assert.Throws<LabelStoreException>(() => store.GetLabeledPairs());
        Assert.Contains(path, ex.Message);
        Assert.Contains($"pair {pairId}", ex.Message);
        Assert.Contains("checksum", ex.Message);
        Assert.Throws<LabelStoreException>(() => store.GetPair(pairId));
    }

    [Fact]
    public void A_damaged_page_header_fails_when_the_store_is_opened()
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.File("labels.db");
        AddLabelledPair(path);
        var bytes = File.ReadAllBytes(path);
        int pageSize = (bytes[16] << 8) | bytes[17];
        // Page 2 is a table's root page; 0xFF is no b-tree page type.
        for (int i = 0; i < 8; i++) bytes[pageSize + i] = 0xFF;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<LabelStoreException>(() => LabelStore<TokenSequence>.Open(path, new TokenCodec()));
        Assert.Contains(path, ex.Message);
        Assert.Contains("damaged", ex.Message);
        Assert.Throws<LabelStoreException>(() => LabelStore<TokenSequence>.OpenReadOnly(path, new TokenCodec()));
    }

    [Fact]
    public void A_store_of_the_first_format_is_refused_as_older()
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.File("labels.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // The version 1 layout: robot segments without checksums.
            command.CommandText = $"""
                CREATE TABLE segments (id INTEGER PRIMARY KEY, env_id TEXT, source TEXT, episode INTEGER, start_step INTEGER, length INTEGER, payload BLOB);
                CREATE TABLE pairs (id INTEGER PRIMARY KEY, left_segment INTEGER, right_segment INTEGER, created_at_ms INTEGER, round INTEGER, sampler TEXT);
                CREATE TABLE labels (id INTEGER PRIMARY KEY, pair_id INTEGER, label INTEGER, labeler TEXT, labeled_at_ms INTEGER);
                PRAGMA application_id = {LabelStoreFormat.ApplicationId}; PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }
        var ex = Assert.Throws<LabelStoreException>(() => LabelStore<TokenSequence>.Open(path, new TokenCodec()));
        Assert.Contains("written by an older format (version 1)", ex.Message);
        Assert.Contains($"reads version {LabelStoreFormat.SchemaVersion}", ex.Message);
    }

    [Fact]
    public void A_store_of_another_item_kind_is_refused_by_kind()
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.File("labels.db");
        AddLabelledPair(path);
        var ex = Assert.Throws<LabelStoreException>(() => LabelStore<TokenSequence>.Open(path, new OtherKindCodec()));
        Assert.Contains("holds 'test-tokens' items: expected 'other-tokens' items", ex.Message);
    }

    [Fact]
    public void Opening_read_only_never_creates_or_changes_a_file()
    {
        using var scratch = new ScratchDirectory();
        var codec = new TokenCodec();

        string missing = scratch.File("missing.db");
        var ex = Assert.Throws<LabelStoreException>(() => LabelStore<TokenSequence>.OpenReadOnly(missing, codec));
        Assert.Contains("no such file", ex.Message);

        string empty = scratch.File("empty.db");
        File.WriteAllBytes(empty, []);
        ex = Assert.Throws<LabelStoreException>(() => LabelStore<TokenSequence>.OpenReadOnly(empty, codec));
        Assert.Contains(empty, ex.Message);
        Assert.Contains("empty", ex.Message);
        Assert.Equal(0, new FileInfo(empty).Length);

        string text = scratch.File("text.db");
        File.WriteAllText(text, "not a database at all, only text that is long enough to be read as a header........");
        ex = Assert.Throws<LabelStoreException>(() => LabelStore<TokenSequence>.OpenReadOnly(text, codec));
        Assert.Contains("not an SQLite database", ex.Message);

        string path = scratch.File("labels.db");
        long pairId = AddLabelledPair(path);
        var before = File.ReadAllBytes(path);
        using (var store = LabelStore<TokenSequence>.OpenReadOnly(path, codec))
        {
            Assert.True(store.IsReadOnly);
            var labels = store.GetLabeledPairs();
            Assert.Equal(pairId, Assert.Single(labels).Pair.Id);
            Assert.Equal([Marker, 7, 7], labels[0].Pair.Left.Tokens);
            var refused = Assert.Throws<InvalidOperationException>(() => store.RecordLabel(pairId, PreferenceLabel.Right, "human:other"));
            Assert.Contains("read-only", refused.Message);
            Assert.Throws<InvalidOperationException>(() => store.AddPairs([], new PairProvenance(1, "uniform")));
        }
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "empty.db", "labels.db", "text.db" }, Directory.GetFiles(scratch.Path).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void Pairs_stay_pending_until_an_answer_arrives_from_another_thread()
    {
        using var scratch = new ScratchDirectory();
        using var store = LabelStore<TokenSequence>.Open(scratch.File("labels.db"), new TokenCodec());
        var pairs = store.AddPairs([new ItemPair<TokenSequence>(new TokenSequence([7]), new TokenSequence([1]))], new PairProvenance(0, "uniform"));
        Assert.Equal(pairs[0].Id, Assert.Single(store.GetUnlabeledPairs()).Id);
        Assert.Equal(0, store.GetLastLabelId());

        var answerer = new Thread(() => new MoreSevensTeacher().Ask(pairs, store));
        answerer.Start();
        answerer.Join();

        Assert.Empty(store.GetUnlabeledPairs());
        Assert.Equal(PreferenceLabel.Left, Assert.Single(store.GetLabeledPairs()).Label);
        Assert.True(store.GetLastLabelId() > 0);
    }

    sealed class OtherKindCodec : IItemCodec<TokenSequence>
    {
        readonly TokenCodec _inner = new();

        public string Kind => "other-tokens";

        public string? FindInconsistency(TokenSequence item) => _inner.FindInconsistency(item);

        public byte[] Encode(TokenSequence item) => _inner.Encode(item);

        public TokenSequence Decode(ReadOnlySpan<byte> payload) => _inner.Decode(payload);
    }
}
