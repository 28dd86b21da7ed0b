using Microsoft.Data.Sqlite;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Labels;

/// <summary>The durable record of preference queries and their answers: segments, pairs and labels in one SQLite file.</summary>
/// <remarks>
/// <para>The file is in WAL mode with <c>synchronous=FULL</c>, so every write is fsynced at commit: a label whose
/// <see cref="RecordLabel"/> has returned survives a crash of the process or of the machine. Each public write is one
/// transaction, so a store is never left with half of a batch of pairs.</para>
/// <para>All calls are serialised on one connection, so any number of threads in the process may use one store.</para>
/// <para>The file is marked with <c>PRAGMA application_id</c> and versioned with <c>PRAGMA user_version</c>
/// (see <see cref="SchemaVersion"/>), so that another database, or a store from a newer build, is refused by name.</para>
/// </remarks>
public sealed class LabelStore : IDisposable
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The SQLite application id marking a label store: "SimL" in ASCII.</summary>
    public const int ApplicationId = 0x53696D4C;

    static readonly string[] Tables = ["segments", "pairs", "labels"];

    const string CreateSchemaSql = """
        CREATE TABLE segments (
            id          INTEGER PRIMARY KEY,
            env_id      TEXT    NOT NULL,
            source      TEXT    NOT NULL,
            episode     INTEGER NOT NULL,
            start_step  INTEGER NOT NULL,
            length      INTEGER NOT NULL,
            payload     BLOB    NOT NULL  -- MessagePack map: sizes, observations, actions, true rewards, physics states
        );
        CREATE TABLE pairs (
            id            INTEGER PRIMARY KEY,
            left_segment  INTEGER NOT NULL REFERENCES segments(id),
            right_segment INTEGER NOT NULL REFERENCES segments(id),
            created_at_ms INTEGER NOT NULL,  -- Unix time, milliseconds
            round         INTEGER NOT NULL,
            sampler       TEXT    NOT NULL
        );
        CREATE TABLE labels (
            id            INTEGER PRIMARY KEY,
            pair_id       INTEGER NOT NULL REFERENCES pairs(id),
            label         INTEGER NOT NULL CHECK (label BETWEEN 0 AND 3),  -- PreferenceLabel
            labeler       TEXT    NOT NULL,
            labeled_at_ms INTEGER NOT NULL,
            UNIQUE (pair_id, labeler)
        );
        CREATE INDEX labels_by_pair ON labels(pair_id);
        """;

    readonly SqliteConnection _connection;
    readonly object _gate = new();
    readonly Dictionary<long, Segment> _segmentCache = [];
    bool _disposed;

    LabelStore(string path, SqliteConnection connection)
    {
        FilePath = path;
        _connection = connection;
    }

    /// <summary>The store's file.</summary>
    public string FilePath { get; }

    /// <summary>Opens the label store at <paramref name="path"/>, creating an empty one if the file does not exist.</summary>
    /// <exception cref="LabelStoreException">The file is not an SQLite database, is another kind of database, has a schema
    /// version this build does not read, or cannot be opened.</exception>
    public static LabelStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (directory != null && !Directory.Exists(directory))
            throw new LabelStoreException(fullPath, $"its directory '{directory}' does not exist");

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Without pooling, Dispose really closes the file (and checkpoints the WAL).
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Initialise(fullPath, connection);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            string problem = ex.SqliteErrorCode switch
            {
                26 => "not an SQLite database (SQLite says: file is not a database); expected a label store",
                11 => "the database is corrupt (SQLite says: database disk image is malformed)",
                _ => $"cannot be opened: {ex.Message}",
            };
            throw new LabelStoreException(fullPath, problem, ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return new LabelStore(fullPath, connection);
    }

    static void Initialise(string path, SqliteConnection connection)
    {
        // Reading the header first makes a file that is not a database fail before anything is written to it.
        long applicationId = Scalar(connection, "PRAGMA application_id");
        long version = Scalar(connection, "PRAGMA user_version");
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";
            using var reader = command.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }

        bool fresh = applicationId == 0 && version == 0 && tables.Count == 0;
        if (!fresh)
        {
            if (applicationId != ApplicationId)
                throw new LabelStoreException(path,
                    $"not a label store: its SQLite application_id is 0x{applicationId:X8}, expected 0x{ApplicationId:X8}"
                    + (tables.Count > 0 ? $" (it has tables {string.Join(", ", tables)})" : ""));
            if (version != SchemaVersion)
                throw new LabelStoreException(path,
                    $"schema version {version} is not supported: this build reads schema version {SchemaVersion}"
                    + (version > SchemaVersion ? " (the store was written by a newer build)" : ""));
            var missing = Tables.Where(t => !tables.Contains(t)).ToList();
            if (missing.Count > 0)
                throw new LabelStoreException(path, $"the store is damaged: table(s) {string.Join(", ", missing)} are missing");
        }

        string journal = ScalarText(connection, "PRAGMA journal_mode = WAL");
        if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
            throw new LabelStoreException(path, $"cannot switch to WAL journaling: SQLite kept journal mode '{journal}'");
        Execute(connection, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");

        if (fresh)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, CreateSchemaSql, transaction);
            Execute(connection, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {SchemaVersion};", transaction);
            transaction.Commit();
        }
    }

    /// <summary>Stores <paramref name="pairs"/> (and their segments) in one transaction and returns them with their new ids,
    /// in the same order.</summary>
    /// <remarks>A segment object used by several pairs of the batch is stored once.</remarks>
    public IReadOnlyList<PreferencePair> AddPairs(IReadOnlyList<SegmentPair> pairs, PairProvenance provenance, DateTimeOffset? createdAt = null)
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
            if (left is null || right is null) throw new ArgumentException($"pairs[{i}] has a null segment", nameof(pairs));
            string? problem = SegmentPayload.FindInconsistency(left) ?? SegmentPayload.FindInconsistency(right);
            if (problem != null) throw new ArgumentException($"pairs[{i}] has an inconsistent segment: {problem}", nameof(pairs));
        }
        long created = (createdAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();

        lock (_gate)
        {
            ThrowIfDisposed();
            var result = new PreferencePair[pairs.Count];
            var segmentIds = new Dictionary<Segment, long>(ReferenceEqualityComparer.Instance);
            var added = new List<(long Id, Segment Segment)>();
            using var transaction = _connection.BeginTransaction();
            using var insertSegment = Command(transaction,
                "INSERT INTO segments (env_id, source, episode, start_step, length, payload) VALUES ($env, $source, $episode, $start, $length, $payload) RETURNING id");
            using var insertPair = Command(transaction,
                "INSERT INTO pairs (left_segment, right_segment, created_at_ms, round, sampler) VALUES ($left, $right, $created, $round, $sampler) RETURNING id");

            long SegmentId(Segment segment)
            {
                if (segmentIds.TryGetValue(segment, out long id)) return id;
                insertSegment.Parameters.Clear();
                insertSegment.Parameters.AddWithValue("$env", segment.EnvId);
                insertSegment.Parameters.AddWithValue("$source", segment.Source);
                insertSegment.Parameters.AddWithValue("$episode", segment.Episode);
                insertSegment.Parameters.AddWithValue("$start", segment.StartStep);
                insertSegment.Parameters.AddWithValue("$length", segment.Length);
                insertSegment.Parameters.AddWithValue("$payload", SegmentPayload.Encode(segment));
                id = (long)insertSegment.ExecuteScalar()!;
                segmentIds.Add(segment, id);
                added.Add((id, segment));
                return id;
            }

            for (int i = 0; i < pairs.Count; i++)
            {
                var (left, right) = pairs[i];
                long leftId = SegmentId(left), rightId = SegmentId(right);
                insertPair.Parameters.Clear();
                insertPair.Parameters.AddWithValue("$left", leftId);
                insertPair.Parameters.AddWithValue("$right", rightId);
                insertPair.Parameters.AddWithValue("$created", created);
                insertPair.Parameters.AddWithValue("$round", provenance.Round);
                insertPair.Parameters.AddWithValue("$sampler", provenance.Sampler);
                long pairId = (long)insertPair.ExecuteScalar()!;
                result[i] = new PreferencePair(pairId, left, right);
            }
            transaction.Commit();
            // The caller may not change segments it handed over (they are records of what was shown), so cache them as they are.
            foreach (var (id, segment) in added) _segmentCache[id] = segment;
            return result;
        }
    }

    /// <summary>Records <paramref name="labelerId"/>'s answer to pair <paramref name="pairId"/>; the label is committed
    /// (durably) before this returns. Returns the label's id.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is not a defined <see cref="PreferenceLabel"/>.</exception>
    /// <exception cref="LabelRejectedException">The pair does not exist, or this labeler has already labelled it.</exception>
    public long RecordLabel(long pairId, PreferenceLabel label, string labelerId, DateTimeOffset? labeledAt = null)
    {
        if (!Enum.IsDefined(label))
            throw new ArgumentOutOfRangeException(nameof(label), (int)label,
                $"label {(int)label} for pair {pairId} is not a preference label: expected Left (0), Right (1), Equal (2) or Skip (3)");
        if (string.IsNullOrWhiteSpace(labelerId))
            throw new ArgumentException($"labeler id '{labelerId}' is empty: expected an id such as teacher:oracle or human:alice", nameof(labelerId));
        long at = (labeledAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();

        lock (_gate)
        {
            ThrowIfDisposed();
            using var transaction = _connection.BeginTransaction();
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
            long id;
            using (var insert = Command(transaction,
                "INSERT INTO labels (pair_id, label, labeler, labeled_at_ms) VALUES ($pair, $label, $labeler, $at) RETURNING id"))
            {
                insert.Parameters.AddWithValue("$pair", pairId);
                insert.Parameters.AddWithValue("$label", (int)label);
                insert.Parameters.AddWithValue("$labeler", labelerId);
                insert.Parameters.AddWithValue("$at", at);
                id = (long)insert.ExecuteScalar()!;
            }
            transaction.Commit();
            return id;
        }
    }

    /// <summary>The pair with id <paramref name="pairId"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such pair.</exception>
    public PreferencePair GetPair(long pairId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null, "SELECT id, left_segment, right_segment FROM pairs WHERE id = $id");
            command.Parameters.AddWithValue("$id", pairId);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) throw new KeyNotFoundException($"pair {pairId} does not exist in label store '{FilePath}'");
            return new PreferencePair(reader.GetInt64(0), LoadSegment(reader.GetInt64(1)), LoadSegment(reader.GetInt64(2)));
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
    public IReadOnlyList<PreferencePair> GetUnlabeledPairs(string? labelerId = null, int? limit = null)
    {
        if (limit is < 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit is {limit}: expected >= 0 or null");
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null,
                "SELECT id, left_segment, right_segment FROM pairs p WHERE NOT EXISTS "
                + "(SELECT 1 FROM labels l WHERE l.pair_id = p.id AND ($labeler IS NULL OR l.labeler = $labeler)) ORDER BY id LIMIT $limit");
            command.Parameters.AddWithValue("$labeler", (object?)labelerId ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit ?? -1L);
            var rows = new List<(long, long, long)>();
            using (var reader = command.ExecuteReader())
                while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
            return rows.Select(r => new PreferencePair(r.Item1, LoadSegment(r.Item2), LoadSegment(r.Item3))).ToList();
        }
    }

    /// <summary>Every label (one entry per labeler and pair) in the order they were recorded, for training or review.</summary>
    /// <param name="includeSkipped">Whether to include <see cref="PreferenceLabel.Skip"/> answers, which are never trained on.</param>
    /// <param name="labelerId">Only this labeler's answers; null for everyone's.</param>
    public IReadOnlyList<LabeledPair> GetLabeledPairs(bool includeSkipped = false, string? labelerId = null)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null,
                "SELECT p.id, p.left_segment, p.right_segment, l.label, l.labeler, l.labeled_at_ms FROM labels l JOIN pairs p ON p.id = l.pair_id "
                + "WHERE ($skipped OR l.label <> $skip) AND ($labeler IS NULL OR l.labeler = $labeler) ORDER BY l.id");
            command.Parameters.AddWithValue("$skipped", includeSkipped);
            command.Parameters.AddWithValue("$skip", (int)PreferenceLabel.Skip);
            command.Parameters.AddWithValue("$labeler", (object?)labelerId ?? DBNull.Value);
            var rows = new List<(long Pair, long Left, long Right, int Label, string Labeler, long At)>();
            using (var reader = command.ExecuteReader())
                while (reader.Read())
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetString(4), reader.GetInt64(5)));

            var pairs = new Dictionary<long, PreferencePair>();
            var result = new List<LabeledPair>(rows.Count);
            foreach (var row in rows)
            {
                if (!pairs.TryGetValue(row.Pair, out var pair))
                    pairs[row.Pair] = pair = new PreferencePair(row.Pair, LoadSegment(row.Left), LoadSegment(row.Right));
                result.Add(new LabeledPair(pair, (PreferenceLabel)row.Label, row.Labeler, DateTimeOffset.FromUnixTimeMilliseconds(row.At)));
            }
            return result;
        }
    }

    /// <summary>How many segments, pairs and labels the store holds.</summary>
    public LabelStoreCounts GetCounts()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(null,
                "SELECT (SELECT count(*) FROM segments), (SELECT count(*) FROM pairs), (SELECT count(DISTINCT pair_id) FROM labels), (SELECT count(*) FROM labels)");
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
            using var command = Command(null, "PRAGMA integrity_check");
            var lines = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read()) lines.Add(reader.GetString(0));
            return string.Join('\n', lines);
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

    Segment LoadSegment(long id)
    {
        if (_segmentCache.TryGetValue(id, out var cached)) return cached;
        using var command = Command(null, "SELECT payload FROM segments WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        var payload = command.ExecuteScalar() as byte[]
            ?? throw new LabelStoreException(FilePath, $"the store is damaged: segment {id}, referenced by a pair, has no payload");
        Segment segment;
        try { segment = SegmentPayload.Decode(payload); }
        catch (InvalidDataException ex) { throw new LabelStoreException(FilePath, $"segment {id}: {ex.Message}", ex); }
        _segmentCache[id] = segment;
        return segment;
    }

    SqliteCommand Command(SqliteTransaction? transaction, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    static string ScalarText(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar()) ?? "";
    }

    static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
