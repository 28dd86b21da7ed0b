using Microsoft.Data.Sqlite;

namespace Sim.Labeling.Tests;

/// <summary>A temporary folder with a recorded rollout (HalfCheetah unless named), where a test serves a fresh label store
/// built from it.</summary>
internal sealed class LabelingWorkspace : IDisposable
{
    // Small clips render in a fraction of a second each, so a store is ready to label within seconds.
    public const string ClipSize = "64";
    readonly TempDirectory _folder = new();
    readonly List<LabelingServer> _servers = [];

    public LabelingWorkspace(string env = "HalfCheetah-v1")
    {
        SimCli.Run(_folder.Path, "demo", "--env", env, "--num-envs", "2", "--steps", "1200", "--seed", "5", "--out", "roll.msgpack").AssertSucceeded();
    }

    public string Path => _folder.Path;

    public string LabelsPath => _folder.File("labels.db");

    /// <summary>Serves a store of <paramref name="pairs"/> pairs cut from the rollout (built on first use), for
    /// <paramref name="labelers"/> new labelers named a, b, …, with <paramref name="extra"/> options.</summary>
    public LabelingServer Serve(int pairs, int labelers, params string[] extra) => Serve(pairs, labelers, null, extra);

    public LabelingServer Serve(int pairs, int labelers, IReadOnlyDictionary<string, string>? environment, params string[] extra)
    {
        var args = new List<string> { "label", "--labels", "labels.db", "--port", "0", "--seed", "11" };
        if (!extra.Contains("--clip-size")) args.AddRange(["--clip-size", ClipSize]);
        if (!File.Exists(LabelsPath)) args.AddRange(["--trajectories", "roll.msgpack", "--pairs", pairs.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        for (int i = 0; i < labelers; i++) args.AddRange(["--new-labeler", ((char)('a' + i)).ToString() + _servers.Count]);
        args.AddRange(extra);
        var server = LabelingServer.Start(Path, labelers, environment, [.. args]);
        _servers.Add(server);
        return server;
    }

    /// <summary>Waits until the store's every pair has both clips in the catalog.</summary>
    public void WaitForClips(LabelingServer server)
    {
        server.WaitFor(() => Scalar("SELECT count(*) FROM pairs p WHERE NOT EXISTS (SELECT 1 FROM labeling_clips c WHERE c.item_id = p.left_item) OR NOT EXISTS (SELECT 1 FROM labeling_clips c WHERE c.item_id = p.right_item)") == 0,
            TimeSpan.FromMinutes(2), "clips for every pair");
    }

    /// <summary>One number from the label store, read with SQL (not through the code under test).</summary>
    public long Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Rows of a query, each as its columns' values.</summary>
    public List<object[]> Rows(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = LabelsPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        // An encoder orphaned by a SIGKILLed server may still be finishing a temporary clip file for a moment.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                _folder.Dispose();
                return;
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(250);
            }
        }
    }
}
