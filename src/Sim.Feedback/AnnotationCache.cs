using Microsoft.Data.Sqlite;

namespace Sim.Feedback;

/// <summary>LLM answers in a SQLite file (WAL, <c>synchronous=FULL</c>), keyed by prompt name, prompt version, model and
/// item, so a restarted or later run asks nothing twice.</summary>
/// <remarks>
/// <para>Every batch of answers is one transaction: a crash leaves each batch wholly in or wholly out, never a torn row.
/// Only parsed, valid answers are written; a failed request writes nothing, so no fault can put a bad answer in the file.</para>
/// <para>The file carries <c>PRAGMA application_id</c> 0x53696D41 ("SimA") and <c>user_version</c> 1, checked when opened,
/// so a label store or another SQLite file given by mistake is refused rather than written into.</para>
/// </remarks>
public sealed class AnnotationCache : IDisposable
{
    /// <summary>The file's SQLite application id.</summary>
    public const int ApplicationId = 0x53696D41;

    /// <summary>The schema version this code reads and writes.</summary>
    public const int SchemaVersion = 1;

    readonly SqliteConnection _connection;
    readonly object _gate = new();

    AnnotationCache(string path, SqliteConnection connection)
    {
        FilePath = path;
        _connection = connection;
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>Opens <paramref name="path"/>, creating it when missing; an error naming the file when it is not an annotation cache.</summary>
    public static AnnotationCache Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
            long applicationId = Scalar(connection, "PRAGMA application_id");
            long version = Scalar(connection, "PRAGMA user_version");
            bool empty = Scalar(connection, "SELECT count(*) FROM sqlite_master") == 0;
            if (empty)
            {
                Execute(connection,
                    "CREATE TABLE answers (prompt TEXT NOT NULL, version INTEGER NOT NULL, model TEXT NOT NULL, item TEXT NOT NULL, " +
                    "answer REAL NOT NULL, answered_at_ms INTEGER NOT NULL, PRIMARY KEY (prompt, version, model, item)) WITHOUT ROWID; " +
                    $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {SchemaVersion};");
            }
            else if (applicationId != ApplicationId)
                throw new InvalidDataException(
                    $"'{fullPath}' is not an annotation cache: its SQLite application_id is 0x{applicationId:X8}, expected 0x{ApplicationId:X8}");
            else if (version != SchemaVersion)
                throw new InvalidDataException($"'{fullPath}' is annotation cache schema {version}; this build reads schema {SchemaVersion}");
            return new AnnotationCache(fullPath, connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"'{fullPath}' cannot be opened as an annotation cache: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Every cached answer of <paramref name="prompt"/> from <paramref name="model"/>, item to answer.</summary>
    public Dictionary<string, float> Load(AnnotationPrompt prompt, string model)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT item, answer FROM answers WHERE prompt = $prompt AND version = $version AND model = $model";
            command.Parameters.AddWithValue("$prompt", prompt.Name);
            command.Parameters.AddWithValue("$version", prompt.Version);
            command.Parameters.AddWithValue("$model", model);
            var result = new Dictionary<string, float>(StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read()) result[reader.GetString(0)] = (float)reader.GetDouble(1);
            return result;
        }
    }

    /// <summary>Stores a batch of answers in one transaction (a later answer to the same key replaces the earlier one).</summary>
    public void Store(AnnotationPrompt prompt, string model, IReadOnlyList<string> items, IReadOnlyList<float> answers)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (items.Count != answers.Count)
            throw new ArgumentException($"{items.Count} items but {answers.Count} answers: expected one answer per item");
        for (int i = 0; i < answers.Count; i++)
            if (!float.IsFinite(answers[i])) throw new ArgumentException($"answer {i} for '{items[i]}' is {answers[i]}: answers must be finite");
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR REPLACE INTO answers (prompt, version, model, item, answer, answered_at_ms) " +
                "VALUES ($prompt, $version, $model, $item, $answer, $at)";
            var item = insert.Parameters.Add("$item", SqliteType.Text);
            var answer = insert.Parameters.Add("$answer", SqliteType.Real);
            insert.Parameters.AddWithValue("$prompt", prompt.Name);
            insert.Parameters.AddWithValue("$version", prompt.Version);
            insert.Parameters.AddWithValue("$model", model);
            insert.Parameters.AddWithValue("$at", now);
            for (int i = 0; i < items.Count; i++)
            {
                item.Value = items[i];
                answer.Value = (double)answers[i];
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>Number of cached answers over every prompt and model.</summary>
    public long Count
    {
        get
        {
            lock (_gate) return Scalar(_connection, "SELECT count(*) FROM answers");
        }
    }

    static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate) _connection.Dispose();
    }
}
