using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;

namespace Sim.Labeling;

// Leases: which pair a labeler is shown next, their answers, and undo.
public sealed partial class LabelingDatabase
{
    // A pair is open to a labeler when its clips are ready, the labeler has not answered it, and nobody else holds an
    // unexpired, unanswered lease on it.
    const string OpenToLabelerSql = """
        EXISTS (SELECT 1 FROM labeling_clips c WHERE c.item_id = p.left_item)
        AND EXISTS (SELECT 1 FROM labeling_clips c WHERE c.item_id = p.right_item)
        AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.pair_id = p.id AND l.labeler = $me)
        AND NOT EXISTS (SELECT 1 FROM labeling_leases s WHERE s.pair_id = p.id AND s.labeler <> $me
                        AND s.answered_at_ms IS NULL AND s.expires_at_ms > $now)
        """;

    /// <summary>The pair <paramref name="labelerName"/> is to answer next, leased to them: the one they hold already, most
    /// recently shown first (a reload shows the same pair, sides unchanged; after an undo, the pair taken back), else a gold pair when <paramref name="preferGold"/> and one is
    /// open, else the oldest pair that still needs answers. Null when nothing is open to them.</summary>
    /// <param name="flip">Whether a newly leased pair shows its right item on the left.</param>
    public LeasedPair? Lease(string labelerName, LeasePolicy policy, bool preferGold, bool flip, DateTimeOffset now)
    {
        string me = LabelerName.ToLabelerId(labelerName);
        long nowMs = now.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var transaction = _connection.BeginTransaction();
            using (var held = Command("""
                SELECT s.id FROM labeling_leases s WHERE s.labeler = $me AND s.answered_at_ms IS NULL AND s.expires_at_ms > $now
                AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.pair_id = s.pair_id AND l.labeler = $me)
                ORDER BY s.shown_at_ms DESC, s.id DESC LIMIT 1
                """, transaction))
            {
                held.Parameters.AddWithValue("$me", me);
                held.Parameters.AddWithValue("$now", nowMs);
                if (held.ExecuteScalar() is long heldId)
                {
                    var lease = ReadLease(heldId, transaction);
                    transaction.Commit();
                    return lease;
                }
            }

            long? pairId = null;
            if (preferGold) pairId = FirstOpen("p.id IN (SELECT pair_id FROM labeling_gold)", me, nowMs, policy, transaction);
            pairId ??= FirstOpen(NeedsAnswersSql + " AND p.id >= $floor", me, nowMs, policy, transaction, OpenFloor(policy, now, transaction));
            if (pairId is not long id)
            {
                transaction.Commit();
                return null;
            }
            using var insert = Command("""
                INSERT INTO labeling_leases (pair_id, labeler, flipped, shown_at_ms, expires_at_ms) VALUES ($pair, $me, $flip, $now, $expires) RETURNING id
                """, transaction);
            insert.Parameters.AddWithValue("$pair", id);
            insert.Parameters.AddWithValue("$me", me);
            insert.Parameters.AddWithValue("$flip", flip ? 1 : 0);
            insert.Parameters.AddWithValue("$now", nowMs);
            insert.Parameters.AddWithValue("$expires", nowMs + (long)policy.Duration.TotalMilliseconds);
            long leaseId = (long)insert.ExecuteScalar()!;
            var leased = ReadLease(leaseId, transaction);
            transaction.Commit();
            return leased;
        }
    }

    long? FirstOpen(string filter, string me, long nowMs, LeasePolicy policy, Microsoft.Data.Sqlite.SqliteTransaction transaction, long floor = 0)
    {
        using var command = Command($"SELECT p.id FROM pairs p WHERE {filter} AND {OpenToLabelerSql} ORDER BY p.id LIMIT 1", transaction);
        command.Parameters.AddWithValue("$me", me);
        command.Parameters.AddWithValue("$now", nowMs);
        command.Parameters.AddWithValue("$k", policy.LabelersPerPair);
        command.Parameters.AddWithValue("$floor", floor);
        return command.ExecuteScalar() as long?;
    }

    // A pair needs answers when it is not gold and fewer than k people have answered it.
    const string NeedsAnswersSql = """
        p.id NOT IN (SELECT pair_id FROM labeling_gold)
        AND (SELECT count(*) FROM labels l WHERE l.pair_id = p.id AND l.labeler LIKE 'human:%') < $k
        """;

    // Every pair below the floor is answered k times or gold. Pairs are handed out oldest first, so without it each lease
    // would walk past every answered pair (the next-pair time grew with the labels given); with it a lease walks past the
    // pairs answered since the last one. Only an undo makes an answered pair need answers again: this process's lowers the
    // floor at once, and one in another process on the same file is seen when the floor is rebuilt from 0 now and then.
    long _floor;
    int _floorK;
    long _floorBuiltAtMs;
    static readonly TimeSpan FloorRebuildEvery = TimeSpan.FromSeconds(30);

    long OpenFloor(LeasePolicy policy, DateTimeOffset now, Microsoft.Data.Sqlite.SqliteTransaction transaction)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        if (_floorK != policy.LabelersPerPair || nowMs - _floorBuiltAtMs > FloorRebuildEvery.TotalMilliseconds || nowMs < _floorBuiltAtMs)
        {
            _floor = 0;
            _floorK = policy.LabelersPerPair;
            _floorBuiltAtMs = nowMs;
        }
        using var command = Command($"""
            SELECT coalesce((SELECT p.id FROM pairs p WHERE p.id >= $floor AND {NeedsAnswersSql} ORDER BY p.id LIMIT 1),
                            (SELECT coalesce(max(id), 0) + 1 FROM pairs))
            """, transaction);
        command.Parameters.AddWithValue("$floor", _floor);
        command.Parameters.AddWithValue("$k", policy.LabelersPerPair);
        _floor = (long)command.ExecuteScalar()!;
        return _floor;
    }

    LeasedPair ReadLease(long leaseId, Microsoft.Data.Sqlite.SqliteTransaction? transaction)
    {
        using var command = Command("""
            SELECT s.pair_id, s.flipped, s.expires_at_ms, cl.clip_id, cr.clip_id FROM labeling_leases s
            JOIN pairs p ON p.id = s.pair_id
            JOIN labeling_clips cl ON cl.item_id = p.left_item
            JOIN labeling_clips cr ON cr.item_id = p.right_item
            WHERE s.id = $id
            """, transaction);
        command.Parameters.AddWithValue("$id", leaseId);
        using var reader = command.ExecuteReader();
        reader.Read();
        bool flipped = reader.GetInt64(1) == 1;
        string left = reader.GetString(3), right = reader.GetString(4);
        return new LeasedPair(leaseId, reader.GetInt64(0), flipped, flipped ? right : left, flipped ? left : right,
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
    }

    /// <summary>Stores <paramref name="labelerName"/>'s <paramref name="choice"/> on lease <paramref name="leaseId"/> of pair
    /// <paramref name="pairId"/>, in canonical order; the label is committed durably before this returns Recorded. A
    /// repeat of a stored answer is acknowledged again (double submits are idempotent per labeler and pair).</summary>
    public async Task<SubmitOutcome> SubmitAsync(string labelerName, long leaseId, long pairId, ShownChoice choice, DateTimeOffset now)
    {
        string me = LabelerName.ToLabelerId(labelerName);
        ThrowIfDisposed();
        var held = _readers.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT pair_id, labeler, flipped FROM labeling_leases WHERE id = $id";
            command.Parameters.AddWithValue("$id", leaseId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2) == 1) : ((long, string, bool)?)null;
        });
        if (held is not { } lease) return new SubmitOutcome(SubmitStatus.UnknownLease, null, $"lease {leaseId} does not exist: expected the lease id /api/next gave");
        var (pair, owner, flipped) = lease;
        if (owner != me) return new SubmitOutcome(SubmitStatus.NotYourLease, null, $"lease {leaseId} belongs to another labeler");
        if (pair != pairId) return new SubmitOutcome(SubmitStatus.WrongPair, null, $"lease {leaseId} is for pair {pair}, not pair {pairId}");
        var label = ShownChoices.ToCanonical(choice, flipped);
        var previous = StoredLabel(me, pair);
        if (previous is not null) return Repeat(previous.Value, label, pair, leaseId, now);
        bool taken = _readers.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT count(*) FROM labeling_leases WHERE pair_id = $pair AND labeler <> $me AND answered_at_ms IS NULL AND expires_at_ms > $now AND id > $lease
                """;
            command.Parameters.AddWithValue("$pair", pair);
            command.Parameters.AddWithValue("$me", me);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$lease", leaseId);
            return (long)command.ExecuteScalar()! > 0;
        });
        if (taken) return new SubmitOutcome(SubmitStatus.Conflict, null, $"lease {leaseId} on pair {pair} ran out and the pair was given to another labeler");
        // The commit marks the lease answered too, in the same hold of the write lock.
        var recorded = await _commits.RecordAsync(new LabelAnswer(pair, label, me, now), leaseId).ConfigureAwait(false);
        // A double submit that raced this one stored first.
        if (recorded.Rejection is { Reason: LabelRejection.DuplicateLabel }) return Repeat(StoredLabel(me, pair)!.Value, label, pair, leaseId, now);
        if (recorded.Rejection is { } rejection) throw rejection;
        return new SubmitOutcome(SubmitStatus.Recorded, recorded.LabelId!.Value, "stored");
    }

    SubmitOutcome Repeat((long Id, PreferenceLabel Label) previous, PreferenceLabel label, long pair, long leaseId, DateTimeOffset now)
    {
        if (previous.Label != label)
            // Named without sides: the stored order would tell the labeler how the sides were drawn.
            return new SubmitOutcome(SubmitStatus.Conflict, null, $"pair {pair} was already answered differently by this labeler (undo first to change the answer)");
        MarkAnswered(leaseId, label, previous.Id, now);
        return new SubmitOutcome(SubmitStatus.AlreadyRecorded, previous.Id, "already stored");
    }

    (long Id, PreferenceLabel Label)? StoredLabel(string labelerId, long pairId)
    {
        ThrowIfDisposed();
        return _readers.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, label FROM labels WHERE pair_id = $pair AND labeler = $me";
            command.Parameters.AddWithValue("$pair", pairId);
            command.Parameters.AddWithValue("$me", labelerId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0), (PreferenceLabel)reader.GetInt32(1)) : ((long, PreferenceLabel)?)null;
        });
    }

    void MarkAnswered(long leaseId, PreferenceLabel label, long labelId, DateTimeOffset now) => MarkAnswered([new AnsweredLease(leaseId, label, labelId, now)]);

    // One transaction on the site's connection (synchronous=NORMAL: no fsync of its own).
    void MarkAnswered(IReadOnlyList<AnsweredLease> leases)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var transaction = _connection.BeginTransaction();
            using var command = Command("UPDATE labeling_leases SET answered_at_ms = coalesce(answered_at_ms, $now), label = $label, label_id = $labelId WHERE id = $id", transaction);
            var now = command.Parameters.Add("$now", Microsoft.Data.Sqlite.SqliteType.Integer);
            var label = command.Parameters.Add("$label", Microsoft.Data.Sqlite.SqliteType.Integer);
            var labelId = command.Parameters.Add("$labelId", Microsoft.Data.Sqlite.SqliteType.Integer);
            var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
            foreach (var lease in leases)
            {
                now.Value = lease.At.ToUnixTimeMilliseconds();
                label.Value = (int)lease.Label;
                labelId.Value = lease.LabelId;
                id.Value = lease.LeaseId;
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>Takes back <paramref name="labelerName"/>'s newest answer (kept in the store's retracted labels) and leases
    /// that pair to them again with the same sides, so the page shows it next. Returns the pair id, or null when they have
    /// no answer to take back.</summary>
    public long? Undo(string labelerName, LeasePolicy policy, DateTimeOffset now)
    {
        string me = LabelerName.ToLabelerId(labelerName);
        long pairId;
        lock (_gate)
        {
            ThrowIfDisposed();
            using var newest = Command("SELECT pair_id FROM labels WHERE labeler = $me ORDER BY id DESC LIMIT 1");
            newest.Parameters.AddWithValue("$me", me);
            if (newest.ExecuteScalar() is not long found) return null;
            pairId = found;
        }
        lock (_gate)
        {
            Store.RetractLabel(pairId, me, now);
            _floor = Math.Min(_floor, pairId);
            using var reopen = Command("""
                UPDATE labeling_leases SET answered_at_ms = NULL, label = NULL, label_id = NULL, shown_at_ms = $now, expires_at_ms = $expires
                WHERE id = (SELECT max(id) FROM labeling_leases WHERE labeler = $me AND pair_id = $pair)
                """);
            reopen.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            reopen.Parameters.AddWithValue("$expires", now.ToUnixTimeMilliseconds() + (long)policy.Duration.TotalMilliseconds);
            reopen.Parameters.AddWithValue("$me", me);
            reopen.Parameters.AddWithValue("$pair", pairId);
            reopen.ExecuteNonQuery();
        }
        return pairId;
    }

    /// <summary>Lease <paramref name="leaseId"/>'s pair, holder and sides, or null when there is no such lease.</summary>
    public (long PairId, string Labeler, bool Flipped)? FindLease(long leaseId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("SELECT pair_id, labeler, flipped FROM labeling_leases WHERE id = $id");
            command.Parameters.AddWithValue("$id", leaseId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2) == 1) : null;
        }
    }
}
