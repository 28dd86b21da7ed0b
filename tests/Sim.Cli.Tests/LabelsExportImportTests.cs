using Microsoft.Data.Sqlite;

namespace Sim.Cli.Tests;

/// <summary><c>sim labels export</c> and <c>import</c>: a preference run's store, exported, imported into a new store and
/// exported again, gives the same file, and the file holds what SQLite itself counts in the store.</summary>
public sealed class LabelsExportImportTests
{
    [Fact]
    public void A_store_round_trips_through_jsonl()
    {
        using var cwd = new TempDirectory();
        // Oracle labels on Pendulum: 2 rounds of 6 pairs.
        SimCli.Run(cwd.Path, "train", "--env", "Pendulum-v1", "--algo", "ppo", "--reward", "preference", "--labels", "12",
            "--labels-per-round", "6", "--segment-length", "10", "--round-every", "400", "--num-envs", "2", "--set", "num_steps=200", "--set", "num_minibatches=4",
            "--steps", "800", "--runs", "runs").AssertSucceeded();
        string store = Path.Combine(Directory.GetDirectories(Path.Combine(cwd.Path, "runs")).Single(), "labels.db");

        SimCli.Run(cwd.Path, "labels", "export", "--labels", store, "--out", "a.jsonl").AssertSucceeded();
        SimCli.Run(cwd.Path, "labels", "import", "--in", "a.jsonl", "--labels", "copy.db").AssertSucceeded();
        SimCli.Run(cwd.Path, "labels", "export", "--labels", "copy.db", "--out", "b.jsonl").AssertSucceeded();

        string a = File.ReadAllText(Path.Combine(cwd.Path, "a.jsonl"));
        Assert.Equal(a, File.ReadAllText(Path.Combine(cwd.Path, "b.jsonl")));
        var lines = a.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("{\"type\":\"sim-labels\",\"version\":1}", lines[0]);
        using var connection = new SqliteConnection($"Data Source={store};Mode=ReadOnly");
        connection.Open();
        long Count(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (long)command.ExecuteScalar()!;
        }
        Assert.Equal(12, Count("SELECT count(*) FROM pairs"));
        Assert.Equal(Count("SELECT count(*) FROM pairs"), lines.Count(l => l.StartsWith("{\"type\":\"pair\"")));
        Assert.Equal(Count("SELECT count(*) FROM labels"), lines.Count(l => l.StartsWith("{\"type\":\"label\"")));
        Assert.Equal(Count("SELECT count(DISTINCT labeler) FROM labels"), lines.Count(l => l.StartsWith("{\"type\":\"labeler\"")));
        Assert.Equal(Count("SELECT count(*) FROM items"), lines.Count(l => l.StartsWith("{\"type\":\"segment\"")));
        // Each label names the pair and the oracle's answer as the store holds them.
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pair_id, labeler, label FROM labels ORDER BY id LIMIT 1";
        using var reader = command.ExecuteReader();
        reader.Read();
        string[] names = ["left", "right", "equal", "skip"];
        Assert.Contains($"{{\"type\":\"label\",\"pair\":{reader.GetInt64(0)},\"labeler\":\"{reader.GetString(1)}\",\"label\":\"{names[reader.GetInt32(2)]}\"", a);
    }
}
