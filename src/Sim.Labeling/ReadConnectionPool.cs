using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Sim.Labeling;

/// <summary>Read-only connections to one SQLite file, lent to one caller at a time: in WAL mode a reader neither waits for
/// the writer nor holds it up, so the site's lookups (a lease's owner, a labeler's earlier answer, their count) run
/// beside a commit instead of queueing behind its fsync.</summary>
sealed class ReadConnectionPool(string path) : IDisposable
{
    readonly ConcurrentBag<SqliteConnection> _idle = [];
    readonly ConcurrentBag<SqliteConnection> _all = [];
    volatile bool _disposed;

    /// <summary>Runs <paramref name="read"/> on an idle connection (opening one when none is), then returns it to the pool.</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_idle.TryTake(out var connection))
        {
            var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 };
            connection = new SqliteConnection(builder.ToString());
            connection.Open();
            _all.Add(connection);
        }
        try
        {
            return read(connection);
        }
        finally
        {
            _idle.Add(connection);
        }
    }

    /// <summary>Closes every connection; call once no read is running.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var connection in _all) connection.Dispose();
    }
}
