using Microsoft.Data.Sqlite;

namespace Sim.Labeling;

/// <summary>The labeling site's tables, kept in the label store's own SQLite file beside its items, pairs and labels, so
/// that one file (one WAL) holds every answer and everything about who gave it.</summary>
/// <remarks>The label store checks only its own tables, so these are created on open with <c>IF NOT EXISTS</c> and a
/// store that never saw the site reads as before.</remarks>
public static class LabelingSchema
{
    /// <summary>The tables and indexes, idempotent.</summary>
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS labeling_labelers (
            id            INTEGER PRIMARY KEY,
            name          TEXT    NOT NULL UNIQUE,
            token_sha256  BLOB    NOT NULL UNIQUE,  -- the token itself is shown once and never stored
            created_at_ms INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS labeling_leases (
            id             INTEGER PRIMARY KEY,
            pair_id        INTEGER NOT NULL,
            labeler        TEXT    NOT NULL,     -- label store labeler id, human:NAME
            flipped        INTEGER NOT NULL,     -- 1: the pair's right item was shown on the left
            shown_at_ms    INTEGER NOT NULL,
            expires_at_ms  INTEGER NOT NULL,
            answered_at_ms INTEGER,
            label          INTEGER,              -- the canonical answer, once given
            label_id       INTEGER
        );
        CREATE INDEX IF NOT EXISTS labeling_leases_by_pair ON labeling_leases(pair_id);
        CREATE INDEX IF NOT EXISTS labeling_leases_by_labeler ON labeling_leases(labeler, id);
        -- A labeler's open leases, without walking every lease they ever held (most are answered).
        CREATE INDEX IF NOT EXISTS labeling_leases_open ON labeling_leases(labeler, shown_at_ms) WHERE answered_at_ms IS NULL;
        CREATE TABLE IF NOT EXISTS labeling_gold (
            pair_id INTEGER PRIMARY KEY,
            answer  INTEGER NOT NULL CHECK (answer BETWEEN 0 AND 2),  -- PreferenceLabel: Left, Right or Equal
            source  TEXT    NOT NULL                                  -- oracle, or labeler:<id> for an expert's labels
        );
        CREATE TABLE IF NOT EXISTS labeling_clips (
            item_id     INTEGER PRIMARY KEY,
            clip_id     TEXT    NOT NULL,  -- content id: 32 hex digits, the only way a clip is addressed
            video_file  TEXT    NOT NULL,  -- file name inside the clip folder, never a path
            poster_file TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS labeling_clips_by_id ON labeling_clips(clip_id);
        CREATE INDEX IF NOT EXISTS labels_by_labeler ON labels(labeler, id);
        """;

    internal static void Create(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }
}
