using Microsoft.Data.Sqlite;

namespace Sim.Rewards.Labels;

/// <summary>The label store's file format: its SQLite schema, application id and version, and the checks made when a
/// file is opened.</summary>
public static class LabelStoreFormat
{
    /// <summary>The schema version this build writes and reads. Version 1 held robot segments only, without checksums.</summary>
    public const int SchemaVersion = 2;

    /// <summary>The SQLite application id marking a label store: "SimL" in ASCII.</summary>
    public const int ApplicationId = 0x53696D4C;

    static readonly string[] Tables = ["items", "labels", "pairs"];

    const string CreateSchemaSql = """
        CREATE TABLE items (
            id       INTEGER PRIMARY KEY,
            kind     TEXT    NOT NULL,  -- IItemCodec.Kind, e.g. robot-segment
            payload  BLOB    NOT NULL,  -- the codec's bytes
            crc32    INTEGER NOT NULL   -- CRC-32 of payload, checked on every read
        );
        CREATE TABLE pairs (
            id            INTEGER PRIMARY KEY,
            left_item     INTEGER NOT NULL REFERENCES items(id),
            right_item    INTEGER NOT NULL REFERENCES items(id),
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
        """ + RetractedLabelsSql;

    // Added after version 2 was released: created on every writable open, so files written before it gain it, and
    // readers of version 2 that predate it ignore it.
    const string RetractedLabelsSql = """
        CREATE TABLE IF NOT EXISTS retracted_labels (
            id              INTEGER PRIMARY KEY,  -- the label's id while it stood; never reused by a new label
            pair_id         INTEGER NOT NULL,
            label           INTEGER NOT NULL,
            labeler         TEXT    NOT NULL,
            labeled_at_ms   INTEGER NOT NULL,
            retracted_at_ms INTEGER NOT NULL
        );
        """;

    // Opens the connection and runs initialise on it, turning SQLite's failures into errors that name the file.
    internal static SqliteConnection Connect(string path, string connectionString, SqliteOpenMode mode, Action<SqliteConnection> initialise)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Mode = mode,
            // Without pooling, Dispose really closes the file (and checkpoints the WAL).
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            initialise(connection);
            return connection;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            string problem = ex.SqliteErrorCode switch
            {
                26 => "not an SQLite database (SQLite says: file is not a database); expected a label store",
                11 => "the store is damaged (SQLite says: database disk image is malformed)",
                _ => $"cannot be opened: {ex.Message}",
            };
            throw new LabelStoreException(path, problem, ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    internal static void Initialise(string path, SqliteConnection connection, string kind, bool readOnly)
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
        if (fresh && readOnly) throw new LabelStoreException(path, "the database is empty: expected a label store with its tables");
        if (!fresh)
        {
            if (applicationId != ApplicationId)
                throw new LabelStoreException(path,
                    $"not a label store: its SQLite application_id is 0x{applicationId:X8}, expected 0x{ApplicationId:X8}"
                    + (tables.Count > 0 ? $" (it has tables {string.Join(", ", tables)})" : ""));
            if (version < SchemaVersion)
                throw new LabelStoreException(path,
                    $"written by an older format (version {version}); this build reads version {SchemaVersion}, whose items carry checksums: "
                    + "start a new label store, or read this one with the build that wrote it");
            if (version > SchemaVersion)
                throw new LabelStoreException(path, $"schema version {version} is not supported: this build reads schema version {SchemaVersion} (the store was written by a newer build)");
            var missing = Tables.Where(t => !tables.Contains(t)).ToList();
            if (missing.Count > 0)
                throw new LabelStoreException(path, $"the store is damaged: table(s) {string.Join(", ", missing)} are missing");
            // Damaged pages would otherwise surface at some later query, e.g. the next query round of a resumed run.
            string check = RunCheck(connection, "quick_check");
            if (check != "ok") throw new LabelStoreException(path, $"the store is damaged: SQLite's quick_check reports: {check}");
            using var kinds = connection.CreateCommand();
            kinds.CommandText = "SELECT kind FROM items WHERE kind <> $kind LIMIT 1";
            kinds.Parameters.AddWithValue("$kind", kind);
            if (kinds.ExecuteScalar() is string other)
                throw new LabelStoreException(path, $"it holds '{other}' items: expected '{kind}' items");
        }
        if (readOnly) return;

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
        else
        {
            Execute(connection, RetractedLabelsSql);
        }
    }

    /// <summary>Whether the file has the <c>retracted_labels</c> table (every store opened for writing does).</summary>
    internal static bool HasRetractedLabels(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'retracted_labels'";
        return Convert.ToInt64(command.ExecuteScalar()) > 0;
    }

    /// <summary>SQLite's <c>PRAGMA</c> <paramref name="check"/> (<c>quick_check</c> or <c>integrity_check</c>): <c>ok</c>
    /// for a sound file, otherwise its findings, one per line.</summary>
    internal static string RunCheck(SqliteConnection connection, string check)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {check}";
        var lines = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) lines.Add(reader.GetString(0));
        return string.Join('\n', lines);
    }

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
