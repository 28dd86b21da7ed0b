using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Data.Sqlite;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Labels;

/// <summary>The durable record of preference queries and their answers: items, pairs and labels in one SQLite file,
/// for any item kind an <see cref="IItemCodec{TItem}"/> encodes.</summary>
/// <remarks>
/// <para>The file is in WAL mode with <c>synchronous=FULL</c>, so every write is fsynced at commit: a label whose
/// <see cref="RecordLabel"/> has returned survives a crash of the process or of the machine. Each public write is one
/// transaction, so a store is never left with half of a batch of pairs.</para>
/// <para>A pair is pending from <see cref="AddPairs"/> until a label for it arrives, which may be minutes later and from
/// another thread or process: readers see the labels committed so far.</para>
/// <para>All calls are serialised on one connection, so any number of threads in the process may use one store.</para>
/// <para>The file is marked with <c>PRAGMA application_id</c> and versioned with <c>PRAGMA user_version</c>
/// (see <see cref="LabelStoreFormat.SchemaVersion"/>), so that another database, or a store of another version, is refused by
/// name; <c>PRAGMA quick_check</c> runs at open, so a damaged file fails there rather than at a later query. Every item
/// payload carries its CRC-32, checked whenever it is read.</para>
/// </remarks>
public sealed class LabelStore<TItem> : ILabelSink, IDisposable where TItem : class
{
    readonly SqliteConnection _connection;
    readonly IItemCodec<TItem> _codec;
    readonly object _gate = new();
    readonly Dictionary<long, TItem> _itemCache = [];
    bool _disposed;

    LabelStore(string path, SqliteConnection connection, IItemCodec<TItem> codec, bool readOnly)
    {
        FilePath = path;
        _connection = connection;
        _codec = codec;
        IsReadOnly = readOnly;
        _hasRetractions = LabelStoreFormat.HasRetractedLabels(connection);
    }

    // False only for a file opened read-only that was written before labels could be retracted.
    readonly bool _hasRetractions;

    /// <summary>The store's file.</summary>
    public string FilePath { get; }

    /// <summary>Whether the store was opened by <see cref="OpenReadOnly"/>, so that every write is refused.</summary>
    public bool IsReadOnly { get; }

    /// <summary>Opens the label store at <paramref name="path"/>, creating an empty one if the file does not exist.</summary>
    /// <exception cref="LabelStoreException">The file is not an SQLite database, is another kind of database, has a schema
    /// version this build does not read, holds items of another kind, is damaged, or cannot be opened.</exception>
    public static LabelStore<TItem> Open(string path, IItemCodec<TItem> codec)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(codec);
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (directory != null && !Directory.Exists(directory))
            throw new LabelStoreException(fullPath, $"its directory '{directory}' does not exist");
        var connection = LabelStoreFormat.Connect(fullPath, $"Data Source={Quote(fullPath)}", SqliteOpenMode.ReadWriteCreate,
            c => LabelStoreFormat.Initialise(fullPath, c, codec.Kind, readOnly: false));
        return new LabelStore<TItem>(fullPath, connection, codec, readOnly: false);
    }

    /// <summary>Opens an existing label store for reading only: it never creates, changes or checkpoints a file, so a
    /// command that only reads leaves its input as it found it.</summary>
    /// <exception cref="LabelStoreException">The file does not exist, is empty, is not a label store of this version and
    /// item kind, or is damaged.</exception>
    public static LabelStore<TItem> OpenReadOnly(string path, IItemCodec<TItem> codec)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(codec);
        string fullPath = Path.GetFullPath(path);
        var file = new FileInfo(fullPath);
        if (!file.Exists) throw new LabelStoreException(fullPath, "no such file: expected an existing label store");
        if (file.Length == 0) throw new LabelStoreException(fullPath, "the file is empty (0 bytes): expected a label store");
        // Without a -wal file no writer is active and the whole store is in the main file: 'immutable' then reads it with
        // no locking and no -shm file, where a plain read-only open of a WAL database would create both beside it.
        bool immutable = !File.Exists(fullPath + "-wal");
        string source = immutable ? $"file:{Uri.EscapeDataString(fullPath).Replace("%2F", "/")}?immutable=1" : fullPath;
        var connection = LabelStoreFormat.Connect(fullPath, $"Data Source={Quote(source)}", SqliteOpenMode.ReadOnly,
            c => LabelStoreFormat.Initialise(fullPath, c, codec.Kind, readOnly: true));
        return new LabelStore<TItem>(fullPath, connection, codec, readOnly: true);
    }

    static string Quote(string value) => "'" + value.Replace("'", "''") + "'";

    /// <summary>Stores <paramref name="pairs"/> (and their items) in one transaction, as pending queries, and returns them
    /// with their new ids, in the same order.</summary>
    /// <remarks>An item object used by several pairs of the batch is stored once.</remarks>
    public IReadOnlyList<PreferencePair<TItem>> AddPairs(IReadOnlyList<ItemPair<TItem>> pairs, PairProvenance provenance, DateTimeOffset? createdAt = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(provenance);
        if (provenance.Round < 0)
            throw new ArgumentOutOfRangeException(nameof(provenance), provenance.Round, $"round is {provenance.Round}: expected >= 0");
        if (string.IsNullOrWhiteSpace(provenance.Sampler))
            throw new ArgumentException($"sampler name '{provenance.Sampler}' is empty: expected a name such as uniform or disagreement", nameof(provenance));
        for (int i = 0; i < pairs.Count; i++)
        {
            var (left, right) = pairs[i];
            if (left is null || right is null) throw new ArgumentException($"pairs[{i}] has a null item", nameof(pairs));
            string? problem = _codec.FindInconsistency(left) ?? _codec.FindInconsistency(right);
            if (problem != null) throw new ArgumentException($"pairs[{i}] has an inconsistent item: {problem}", nameof(pairs));
        }
        long created = (createdAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();

        lock (_gate)
        {
            ThrowIfNotWritable();
            var result = new PreferencePair<TItem>[pairs.Count];
            var itemIds = new Dictionary<TItem, long>(ReferenceEqualityComparer.Instance);
            var added = new List<(long Id, TItem Item)>();
            using var transaction = _connection.BeginTransaction();
            using var insertItem = Command(transaction, "INSERT INTO items (kind, payload, crc32) VALUES ($kind, $payload, $crc) RETURNING id");
            using var insertPair = Command(transaction,
                "INSERT INTO pairs (left_item, right_item, created_at_ms, round, sampler) VALUES ($left, $right, $created, $round, $sampler) RETURNING id");

            long ItemId(TItem item)
            {
                if (itemIds.TryGetValue(item, out long id)) return id;
                byte[] payload = _codec.Encode(item);
                insertItem.Parameters.Clear();
                insertItem.Parameters.AddWithValue("$kind", _codec.Kind);
                insertItem.Parameters.AddWithValue("$payload", payload);
                insertItem.Parameters.AddWithValue("$crc", (long)Crc32.HashToUInt32(payload));
                id = (long)insertItem.ExecuteScalar()!;
                itemIds.Add(item, id);
                added.Add((id, item));
                return id;
            }

            for (int i = 0; i < pairs.Count; i++)
            {
                var (left, right) = pairs[i];
                long leftId = ItemId(left), rightId = ItemId(right);
                insertPair.Parameters.Clear();
                insertPair.Parameters.AddWithValue("$left", leftId);
                insertPair.Parameters.AddWithValue("$right", rightId);
                insertPair.Parameters.AddWithValue("$created", created);
                insertPair.Parameters.AddWithValue("$round", provenance.Round);
                insertPair.Parameters.AddWithValue("$sampler", provenance.Sampler);
                long pairId = (long)insertPair.ExecuteScalar()!;
                result[i] = new PreferencePair<TItem>(pairId, left, right);
            }
            transaction.Commit();
            // The caller may not change items it handed over (they are records of what was shown), so cache them as they are.
            foreach (var (id, item) in added) _itemCache[id] = item;
            return result;
        }
    }

    /// <summary>Records <paramref name="labelerId"/>'s answer to pair <paramref name="pairId"/>; the label is committed
    /// (durably) before this returns. Returns the label's id.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is not a defined <see cref="PreferenceLabel"/>.</exception>
    /// <exception cref="LabelRejectedException">The pair does not exist, or this labeler has already labelled it.</exception>
    public long RecordLabel(long pairId, PreferenceLabel label, string labelerId, DateTimeOffset? labeledAt = null)
    {
        var answer = new LabelAnswer(pairId, label, labelerId, labeledAt ?? DateTimeOffset.UtcNow);
        answer.Validate();
        lock (_gate)
        {
            ThrowIfNotWritable();
            using var transaction = _connection.BeginTransaction();
            long id = InsertLabel(transaction, answer);
            transaction.Commit();
            return id;
        }
    }

    /// <summary>Records several answers in one transaction, so that one fsync makes them all durable (a group commit: the
    /// labeling site gathers the answers that arrive while the previous commit is being written). Each answer is checked as
    /// <see cref="RecordLabel"/> checks it, in order; a refused one writes nothing and the others are still recorded.
    /// Returns, in the same order, each answer's label id or the reason it was refused.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An answer's label is not a defined <see cref="PreferenceLabel"/> (nothing is written).</exception>
    public IReadOnlyList<LabelRecordResult> RecordLabels(IReadOnlyList<LabelAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        foreach (var answer in answers) answer.Validate();
        var results = new LabelRecordResult[answers.Count];
        lock (_gate)
        {
            ThrowIfNotWritable();
            using var transaction = _connection.BeginTransaction();
            for (int i = 0; i < answers.Count; i++)
            {
                try { results[i] = new LabelRecordResult(InsertLabel(transaction, answers[i]), null); }
                catch (LabelRejectedException e) { results[i] = new LabelRecordResult(null, e); }
            }
            transaction.Commit();
        }
        return results;
    }

    // Checks and inserts one answer inside transaction; a refusal throws before anything is written.
    long InsertLabel(SqliteTransaction transaction, LabelAnswer answer)
    {
        var (pairId, label, labelerId, labeledAt) = answer;
        using (var exists = Command(transaction, "SELECT count(*) FROM pairs WHERE id = $id"))
        {
            exists.Parameters.AddWithValue("$id", pairId);
            if ((long)exists.ExecuteScalar()! == 0)
                throw new LabelRejectedException(LabelRejection.UnknownPair, pairId, labelerId,
                    $"label from '{labelerId}' refused: pair {pairId} does not exist in '{FilePath}' (expected the id of a stored pair)");
        }
        using (var previous = Command(transaction, "SELECT label FROM labels WHERE pair_id = $id AND labeler = $labeler"))
        {
            previous.Parameters.AddWithValue("$id", pairId);
            previous.Parameters.AddWithValue("$labeler", labelerId);
            if (previous.ExecuteScalar() is long old)
                throw new LabelRejectedException(LabelRejection.DuplicateLabel, pairId, labelerId,
                    $"label {label} from '{labelerId}' refused: that labeler already labelled pair {pairId} as {(PreferenceLabel)old} (one label per labeler and pair)");
        }
        using var insert = Command(transaction,
            "INSERT INTO labels (id, pair_id, label, labeler, labeled_at_ms) VALUES ((" + NewestLabelIdSql + ") + 1, $pair, $label, $labeler, $at) RETURNING id");
        insert.Parameters.AddWithValue("$pair", pairId);
        insert.Parameters.AddWithValue("$label", (int)label);
        insert.Parameters.AddWithValue("$labeler", labelerId);
        insert.Parameters.AddWithValue("$at", labeledAt.ToUnixTimeMilliseconds());
        return (long)insert.ExecuteScalar()!;
    }

    /// <summary>Takes back <paramref name="labelerId"/>'s answer to pair <paramref name="pairId"/> (a person's undo): the
    /// label leaves the labels every reader trains on and is kept in <c>retracted_labels</c>, so nothing once answered is
    /// lost, and its id is never given to a later label. Returns the retracted answer, or null when there was none.</summary>
    public PreferenceLabel? RetractLabel(long pairId, string labelerId, DateTimeOffset? retractedAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelerId);
        long at = (retractedAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        lock (_gate)
        {
            ThrowIfNotWritable();
            using var transaction = _connection.BeginTransaction();
            using var move = Command(transaction,
                "INSERT INTO retracted_labels (id, pair_id, label, labeler, labeled_at_ms, retracted_at_ms) "
                + "SELECT id, pair_id, label, labeler, labeled_at_ms, $at FROM labels WHERE pair_id = $pair AND labeler = $labeler RETURNING label");
            move.Parameters.AddWithValue("$pair", pairId);
            move.Parameters.AddWithValue("$labeler", labelerId);
            move.Parameters.AddWithValue("$at", at);
            if (move.ExecuteScalar() is not long label) return null;
            using var delete = Command(transaction, "DELETE FROM labels WHERE pair_id = $pair AND labeler = $labeler");
            delete.Parameters.AddWithValue("$pair", pairId);
            delete.Parameters.AddWithValue("$labeler", labelerId);
            delete.ExecuteNonQuery();
            transaction.Commit();
            return (PreferenceLabel)label;
        }
    }

    // Label ids only grow, retractions included, so that a poll of GetLastLabelId never misses a label given after an undo.
    const string NewestLabelIdSql = "SELECT max(coalesce((SELECT max(id) FROM labels), 0), coalesce((SELECT max(id) FROM retracted_labels), 0))";

    /// <summary>The pair with id <paramref name="pairId"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such pair.</exception>
    public PreferencePair<TItem> GetPair(long pairId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null, "SELECT id, left_item, right_item FROM pairs WHERE id = $id");
            command.Parameters.AddWithValue("$id", pairId);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) throw new KeyNotFoundException($"pair {pairId} does not exist in label store '{FilePath}'");
            long id = reader.GetInt64(0), left = reader.GetInt64(1), right = reader.GetInt64(2);
            reader.Close();
            return new PreferencePair<TItem>(id, LoadItem(left, id), LoadItem(right, id));
        }
    }

    /// <summary>The round and sampler pair <paramref name="pairId"/> was asked in, and when it was added.</summary>
    /// <exception cref="KeyNotFoundException">No such pair.</exception>
    public (PairProvenance Provenance, DateTimeOffset CreatedAt) GetProvenance(long pairId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null, "SELECT round, sampler, created_at_ms FROM pairs WHERE id = $id");
            command.Parameters.AddWithValue("$id", pairId);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) throw new KeyNotFoundException($"pair {pairId} does not exist in label store '{FilePath}'");
            return (new PairProvenance(reader.GetInt32(0), reader.GetString(1)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
        }
    }

    /// <summary>Pairs in the order they were added that have no label yet (from anyone, or from <paramref name="labelerId"/> when given).</summary>
    /// <param name="labelerId">Only pairs this labeler has not answered; null for pairs nobody has answered.</param>
    /// <param name="limit">At most this many; null for all.</param>
    public IReadOnlyList<PreferencePair<TItem>> GetUnlabeledPairs(string? labelerId = null, int? limit = null)
    {
        if (limit is < 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit is {limit}: expected >= 0 or null");
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null, "SELECT id, left_item, right_item FROM pairs p WHERE " + UnlabeledFilter + " ORDER BY id LIMIT $limit");
            command.Parameters.AddWithValue("$labeler", (object?)labelerId ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit ?? -1L);
            var rows = new List<(long, long, long)>();
            using (var reader = command.ExecuteReader())
                while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
            return rows.Select(r => new PreferencePair<TItem>(r.Item1, LoadItem(r.Item2, r.Item1), LoadItem(r.Item3, r.Item1))).ToList();
        }
    }

    /// <summary>How many pairs <see cref="GetUnlabeledPairs"/> would return without a limit, counted without decoding them.</summary>
    public int CountUnlabeledPairs(string? labelerId = null)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null, "SELECT count(*) FROM pairs p WHERE " + UnlabeledFilter);
            command.Parameters.AddWithValue("$labeler", (object?)labelerId ?? DBNull.Value);
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    // Pairs nobody has answered, or that $labeler has not answered when it is not null.
    const string UnlabeledFilter = "NOT EXISTS (SELECT 1 FROM labels l WHERE l.pair_id = p.id AND ($labeler IS NULL OR l.labeler = $labeler))";

    /// <summary>Every label (one entry per labeler and pair) in the order they were recorded, for training or review.</summary>
    /// <param name="includeSkipped">Whether to include <see cref="PreferenceLabel.Skip"/> answers, which are never trained on.</param>
    /// <param name="labelerId">Only this labeler's answers; null for everyone's.</param>
    public IReadOnlyList<LabeledPair<TItem>> GetLabeledPairs(bool includeSkipped = false, string? labelerId = null)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null,
                "SELECT p.id, p.left_item, p.right_item, l.label, l.labeler, l.labeled_at_ms FROM labels l JOIN pairs p ON p.id = l.pair_id "
                + "WHERE ($skipped OR l.label <> $skip) AND ($labeler IS NULL OR l.labeler = $labeler) ORDER BY l.id");
            command.Parameters.AddWithValue("$skipped", includeSkipped);
            command.Parameters.AddWithValue("$skip", (int)PreferenceLabel.Skip);
            command.Parameters.AddWithValue("$labeler", (object?)labelerId ?? DBNull.Value);
            var rows = new List<(long Pair, long Left, long Right, int Label, string Labeler, long At)>();
            using (var reader = command.ExecuteReader())
                while (reader.Read())
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetString(4), reader.GetInt64(5)));

            var pairs = new Dictionary<long, PreferencePair<TItem>>();
            var result = new List<LabeledPair<TItem>>(rows.Count);
            foreach (var row in rows)
            {
                if (!pairs.TryGetValue(row.Pair, out var pair))
                    pairs[row.Pair] = pair = new PreferencePair<TItem>(row.Pair, LoadItem(row.Left, row.Pair), LoadItem(row.Right, row.Pair));
                result.Add(new LabeledPair<TItem>(pair, (PreferenceLabel)row.Label, row.Labeler, DateTimeOffset.FromUnixTimeMilliseconds(row.At)));
            }
            return result;
        }
    }

    /// <summary>How many items, pairs and labels the store holds.</summary>
    public LabelStoreCounts GetCounts()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null,
                "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM pairs), (SELECT count(DISTINCT pair_id) FROM labels), (SELECT count(*) FROM labels)");
            using var reader = command.ExecuteReader();
            reader.Read();
            return new LabelStoreCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
    }

    /// <summary>The highest query round of any stored pair, or −1 when there are none (to resume a schedule).</summary>
    public int GetLastRound()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null, "SELECT coalesce(max(round), -1) FROM pairs");
            return Convert.ToInt32(command.ExecuteScalar());
        }
    }

    /// <summary>The id of the newest label, retracted ones included, or 0 when there are none; label ids only grow, so a
    /// poll can tell whether answers arrived since it last looked.</summary>
    public long GetLastLabelId()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null, _hasRetractions ? NewestLabelIdSql : "SELECT coalesce(max(id), 0) FROM labels");
            return Convert.ToInt64(command.ExecuteScalar());
        }
    }

    /// <summary>The id of the newest stored pair, or 0 when there are none; pair ids only grow, so a run can tell which
    /// pairs were added after it saved a checkpoint.</summary>
    public long GetLastPairId()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null, "SELECT coalesce(max(id), 0) FROM pairs");
            return Convert.ToInt64(command.ExecuteScalar());
        }
    }

    /// <summary>Runs SQLite's <c>PRAGMA integrity_check</c>; returns <c>ok</c> for a sound file, otherwise SQLite's findings.</summary>
    public string CheckIntegrity()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return LabelStoreFormat.RunCheck(_connection, "integrity_check");
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
    }

    // pairId names the pair being read in errors, so that a damaged item can be traced to the query that showed it.
    TItem LoadItem(long id, long pairId)
    {
        if (_itemCache.TryGetValue(id, out var cached)) return cached;
        using var command = Command(null, "SELECT kind, payload, crc32 FROM items WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            throw new LabelStoreException(FilePath, $"the store is damaged: item {id}, referenced by pair {pairId}, does not exist");
        string kind = reader.GetString(0);
        if (kind != _codec.Kind)
            throw new LabelStoreException(FilePath, $"pair {pairId}: item {id} is a '{kind}' item, but the store was opened for '{_codec.Kind}' items");
        if (reader.IsDBNull(1)) throw new LabelStoreException(FilePath, $"the store is damaged: item {id} of pair {pairId} has no payload");
        var payload = reader.GetFieldValue<byte[]>(1);
        uint recorded = (uint)reader.GetInt64(2);
        uint actual = Crc32.HashToUInt32(payload);
        if (recorded != actual)
            throw new LabelStoreException(FilePath,
                $"pair {pairId}: item {id} fails its checksum (CRC-32 of its {payload.Length} bytes is {actual:X8}, the store records {recorded:X8}); the file was damaged after it was written");
        TItem item;
        try { item = _codec.Decode(payload); }
        catch (InvalidDataException ex) { throw new LabelStoreException(FilePath, $"pair {pairId}: item {id}: {ex.Message}", ex); }
        _itemCache[id] = item;
        return item;
    }

    SqliteCommand Command(SqliteTransaction? transaction, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    void ThrowIfNotWritable()
    {
        ThrowIfDisposed();
        if (IsReadOnly) throw new InvalidOperationException($"label store '{FilePath}' was opened read-only: it takes no pairs or labels");
    }
}
