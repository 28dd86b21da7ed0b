using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Labeling;

/// <summary>The labeling site's view of a label store: labelers, leases, gold pairs and clips in the store's own SQLite
/// file, next to the <see cref="LabelStore{TItem}"/> that every answer is recorded through.</summary>
/// <remarks>
/// <para>Answers go through <see cref="LabelStore{TItem}.RecordLabels"/>, group-committed by a <see cref="LabelCommitQueue"/>
/// with <c>synchronous=FULL</c> before a request is acknowledged, so an acknowledged label survives a killed process and a
/// power cut, and a training run in another process sees it at its next look. Leases and the clip catalog are written on
/// this class's own connection with <c>synchronous=NORMAL</c>: in WAL mode that survives a killed process, and what a
/// power cut could take (a lease, a clip row) is re-derived on the next request.</para>
/// <para>Every write of this process, on either connection, is serialised on one lock: two connections of one process
/// writing at once would make SQLite refuse one of them as busy, and the driver then sleeps 150 ms before retrying, which
/// was most of the site's latency under load. Lookups (a lease's holder, a labeler's earlier answer, their count) and
/// progress counts are read on read-only connections, outside that lock, so they never wait for a commit's fsync.</para>
/// </remarks>
public sealed partial class LabelingDatabase : IDisposable
{
    readonly SqliteConnection _connection;
    readonly object _gate = new();
    readonly LabelCommitQueue _commits;
    readonly ReadConnectionPool _readers;
    // Token hash (hex) to labeler name: a labeler is never removed nor their token changed, so a found token stays valid
    // and later requests skip the lookup and the lock.
    readonly ConcurrentDictionary<string, string> _labelerByTokenHash = new();
    bool _disposed;

    LabelingDatabase(LabelStore<Segment> store, SqliteConnection connection)
    {
        Store = store;
        _connection = connection;
        _commits = new LabelCommitQueue(store, _gate, MarkAnswered);
        _readers = new ReadConnectionPool(store.FilePath);
    }

    /// <summary>The label store answers are recorded in.</summary>
    public LabelStore<Segment> Store { get; }

    /// <summary>The SQLite file.</summary>
    public string FilePath => Store.FilePath;

    /// <summary>Opens (creating when missing) the label store at <paramref name="path"/> and the labeling tables in it.</summary>
    /// <exception cref="LabelStoreException">The file is not a label store of robot segments, or cannot be opened.</exception>
    public static LabelingDatabase Open(string path)
    {
        var store = SegmentCodec.OpenStore(path);
        SqliteConnection? connection = null;
        try
        {
            var builder = new SqliteConnectionStringBuilder { DataSource = store.FilePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 };
            connection = new SqliteConnection(builder.ToString());
            connection.Open();
            Execute(connection, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
            LabelingSchema.Create(connection);
            return new LabelingDatabase(store, connection);
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            store.Dispose();
            throw new LabelStoreException(store.FilePath, $"cannot add the labeling tables: {e.Message}", e);
        }
        catch
        {
            connection?.Dispose();
            store.Dispose();
            throw;
        }
    }

    // ---------------------------------------------------------------- labelers

    /// <summary>Adds labeler <paramref name="name"/> and returns their token, which is shown only now (it is stored hashed).</summary>
    /// <exception cref="ArgumentException">The name is malformed or already taken.</exception>
    public string AddLabeler(string name, DateTimeOffset? now = null)
    {
        LabelerName.Validate(name);
        string token = LabelerToken.Create();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("INSERT INTO labeling_labelers (name, token_sha256, created_at_ms) VALUES ($name, $hash, $at) ON CONFLICT (name) DO NOTHING");
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$hash", LabelerToken.Hash(token));
            command.Parameters.AddWithValue("$at", (now ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds());
            if (command.ExecuteNonQuery() == 0)
                throw new ArgumentException($"labeler name '{name}' is taken in '{FilePath}': expected a new name");
        }
        return token;
    }

    /// <summary>The labeler whose token is <paramref name="token"/>, or null for a malformed or unknown token.</summary>
    public string? FindLabeler(string? token)
    {
        if (!LabelerToken.IsWellFormed(token)) return null;
        byte[] hash = LabelerToken.Hash(token!);
        string key = Convert.ToHexString(hash);
        if (_labelerByTokenHash.TryGetValue(key, out string? known)) return known;
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("SELECT name FROM labeling_labelers WHERE token_sha256 = $hash");
            command.Parameters.AddWithValue("$hash", hash);
            if (command.ExecuteScalar() is not string name) return null;
            _labelerByTokenHash[key] = name;
            return name;
        }
    }

    /// <summary>Every labeler's name, in the order they were added.</summary>
    public IReadOnlyList<string> LabelerNames()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("SELECT name FROM labeling_labelers ORDER BY id");
            return ReadAll(command, r => r.GetString(0));
        }
    }

    // ---------------------------------------------------------------- clips

    /// <summary>Pairs (id, left item, right item) whose clips are not in the catalog yet, oldest first.</summary>
    public IReadOnlyList<(long PairId, long LeftItem, long RightItem)> PairsWithoutClips(int limit, IReadOnlySet<long> except)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("""
                SELECT p.id, p.left_item, p.right_item FROM pairs p
                WHERE NOT EXISTS (SELECT 1 FROM labeling_clips c WHERE c.item_id = p.left_item)
                   OR NOT EXISTS (SELECT 1 FROM labeling_clips c WHERE c.item_id = p.right_item)
                ORDER BY p.id LIMIT $limit
                """);
            command.Parameters.AddWithValue("$limit", limit + except.Count);
            return ReadAll(command, r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2))).Where(p => !except.Contains(p.Item1)).Take(limit).ToList();
        }
    }

    /// <summary>Records that item <paramref name="itemId"/> is shown by the clip <paramref name="clipId"/>, whose files are
    /// <paramref name="videoFile"/> and <paramref name="posterFile"/> in the clip folder.</summary>
    public void RegisterClip(long itemId, string clipId, string videoFile, string posterFile)
    {
        if (!ClipId.IsWellFormed(clipId)) throw new ArgumentException($"clip id '{clipId}': expected 32 lowercase hex digits");
        if (Path.GetFileName(videoFile) != videoFile || Path.GetFileName(posterFile) != posterFile)
            throw new ArgumentException($"clip files '{videoFile}', '{posterFile}': expected bare file names inside the clip folder");
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("""
                INSERT INTO labeling_clips (item_id, clip_id, video_file, poster_file) VALUES ($item, $clip, $video, $poster)
                ON CONFLICT (item_id) DO UPDATE SET clip_id = $clip, video_file = $video, poster_file = $poster
                """);
            command.Parameters.AddWithValue("$item", itemId);
            command.Parameters.AddWithValue("$clip", clipId);
            command.Parameters.AddWithValue("$video", videoFile);
            command.Parameters.AddWithValue("$poster", posterFile);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The file names of clip <paramref name="clipId"/>, or null when no item is shown by it.</summary>
    public (string Video, string Poster)? FindClip(string clipId)
    {
        if (!ClipId.IsWellFormed(clipId)) return null;
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("SELECT video_file, poster_file FROM labeling_clips WHERE clip_id = $clip LIMIT 1");
            command.Parameters.AddWithValue("$clip", clipId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
        }
    }

    // A stored segment never changes, so its captions are read once per pair.
    readonly ConcurrentDictionary<long, (SegmentCaptions Left, SegmentCaptions Right)> _captionsByPair = new();

    /// <summary>The event captions of pair <paramref name="pairId"/>'s segments, in canonical order (left item first), read
    /// from the stored segments on a read-only connection; null when the pair does not exist.</summary>
    public (SegmentCaptions Left, SegmentCaptions Right)? PairCaptions(long pairId)
    {
        if (_captionsByPair.TryGetValue(pairId, out var known)) return known;
        ThrowIfDisposed();
        var payloads = _readers.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT l.payload, r.payload FROM pairs p JOIN items l ON l.id = p.left_item JOIN items r ON r.id = p.right_item WHERE p.id = $pair";
            command.Parameters.AddWithValue("$pair", pairId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ((byte[])reader[0], (byte[])reader[1]) : ((byte[], byte[])?)null;
        });
        if (payloads is not { } found) return null;
        static SegmentCaptions Of(byte[] payload)
        {
            var segment = SegmentCodec.Instance.Decode(payload);
            return new SegmentCaptions(segment.Length, CaptionRun.Collapse(segment.Captions));
        }
        var captions = (Of(found.Item1), Of(found.Item2));
        _captionsByPair[pairId] = captions;
        return captions;
    }

    // ---------------------------------------------------------------- gold pairs

    /// <summary>Marks pair <paramref name="pairId"/> as gold with the known <paramref name="answer"/>; returns false when it
    /// already was.</summary>
    public bool AddGold(long pairId, PreferenceLabel answer, string source)
    {
        if (answer is not (PreferenceLabel.Left or PreferenceLabel.Right or PreferenceLabel.Equal))
            throw new ArgumentOutOfRangeException(nameof(answer), answer, $"gold answer {answer} for pair {pairId}: expected Left, Right or Equal");
        Store.GetPair(pairId); // throws naming the pair when it does not exist
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("INSERT INTO labeling_gold (pair_id, answer, source) VALUES ($pair, $answer, $source) ON CONFLICT DO NOTHING");
            command.Parameters.AddWithValue("$pair", pairId);
            command.Parameters.AddWithValue("$answer", (int)answer);
            command.Parameters.AddWithValue("$source", source);
            return command.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>Makes gold pairs of <paramref name="count"/> pairs nobody has answered, oldest first, answered by the oracle
    /// rule (the larger true return; equal returns are Equal). Returns how many were added.</summary>
    public int AddOracleGold(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"gold pair count {count}: expected 0 or more");
        int added = 0;
        foreach (var pair in Store.GetUnlabeledPairs())
        {
            if (added == count) break;
            if (IsGold(pair.Id)) continue;
            if (AddGold(pair.Id, OracleAnswer(pair), "oracle")) added++;
        }
        return added;
    }

    /// <summary>The oracle's answer to <paramref name="pair"/>: the segment with the larger true return.</summary>
    public static PreferenceLabel OracleAnswer(PreferencePair<Segment> pair)
    {
        double left = pair.Left.TrueReturn, right = pair.Right.TrueReturn;
        return left > right ? PreferenceLabel.Left : right > left ? PreferenceLabel.Right : PreferenceLabel.Equal;
    }

    /// <summary>Makes gold pairs of every pair labeller <paramref name="labelerId"/> (an expert) answered Left, Right or
    /// Equal. Returns how many were added.</summary>
    public int AddGoldFromLabeler(string labelerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelerId);
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("""
                INSERT INTO labeling_gold (pair_id, answer, source)
                SELECT pair_id, label, 'labeler:' || labeler FROM labels WHERE labeler = $labeler AND label <> 3
                ON CONFLICT DO NOTHING
                """);
            command.Parameters.AddWithValue("$labeler", labelerId);
            return command.ExecuteNonQuery();
        }
    }

    bool IsGold(long pairId)
    {
        lock (_gate)
        {
            using var command = Command("SELECT count(*) FROM labeling_gold WHERE pair_id = $pair");
            command.Parameters.AddWithValue("$pair", pairId);
            return (long)command.ExecuteScalar()! > 0;
        }
    }

    // ---------------------------------------------------------------- plumbing

    /// <summary>Closes this connection and the label store.</summary>
    public void Dispose()
    {
        lock (_gate)
            if (_disposed) return;
        // Outside the lock: the writer takes it to commit what is still queued.
        _commits.Dispose();
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
            Store.Dispose();
        }
        lock (_progressGate) _progressReader?.Dispose();
        _readers.Dispose();
    }

    SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    static List<T> ReadAll<T>(SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        var rows = new List<T>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
