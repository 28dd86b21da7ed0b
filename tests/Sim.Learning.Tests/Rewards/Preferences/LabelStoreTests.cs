using Microsoft.Data.Sqlite;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Rewards.Preferences;

public class LabelStoreTests
{
    static ItemPair<Segment> Pair(long a, long b) =>
        new(TestSegments.Make(a, [1, 2, 3], physicsStateSize: 2), TestSegments.Make(b, [0.5f, 0.25f, 0], physicsStateSize: 2));

    [Fact]
    public void PairsAndLabelsRoundTripThroughTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("labels.db");
        var shared = TestSegments.Make(7, [4, 5], physicsStateSize: 3);
        var other = TestSegments.Make(8, [6, 7]);
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        long[] ids;
        using (var store = SegmentCodec.OpenStore(path))
        {
            var added = store.AddPairs([new ItemPair<Segment>(shared, other), new ItemPair<Segment>(other, shared), Pair(1, 2)], new PairProvenance(2, "disagreement"), createdAt);
            ids = added.Select(p => p.Id).ToArray();
            Assert.Equal(3, ids.Distinct().Count());
            Assert.Same(shared, added[0].Left);
            Assert.Equal(new LabelStoreCounts(4, 3, 0, 0), store.GetCounts()); // the shared segments are stored once
            store.RecordLabel(ids[0], PreferenceLabel.Right, "teacher:oracle", createdAt.AddSeconds(1));
            store.RecordLabel(ids[0], PreferenceLabel.Equal, "human:alice", createdAt.AddSeconds(2));
            store.RecordLabel(ids[1], PreferenceLabel.Skip, "human:alice", createdAt.AddSeconds(3));
        }

        using (var store = SegmentCodec.OpenStore(path))
        {
            Assert.Equal(new LabelStoreCounts(4, 3, 2, 3), store.GetCounts());
            Assert.Equal(1, store.GetCounts().UnlabeledPairs);
            Assert.Equal(2, store.GetLastRound());

            var pair = store.GetPair(ids[1]);
            TestSegments.AssertSame(other, pair.Left);
            TestSegments.AssertSame(shared, pair.Right);
            var (provenance, created) = store.GetProvenance(ids[1]);
            Assert.Equal(new PairProvenance(2, "disagreement"), provenance);
            Assert.Equal(createdAt, created);

            Assert.Equal([ids[2]], store.GetUnlabeledPairs().Select(p => p.Id));
            Assert.Equal([ids[1], ids[2]], store.GetUnlabeledPairs("teacher:oracle").Select(p => p.Id));
            Assert.Equal([ids[1]], store.GetUnlabeledPairs("teacher:oracle", limit: 1).Select(p => p.Id));
            Assert.Equal(1, store.CountUnlabeledPairs());
            Assert.Equal(2, store.CountUnlabeledPairs("teacher:oracle"));

            var trainable = store.GetLabeledPairs();
            Assert.Equal([(ids[0], PreferenceLabel.Right, "teacher:oracle"), (ids[0], PreferenceLabel.Equal, "human:alice")],
                trainable.Select(l => (l.Pair.Id, l.Label, l.LabelerId)));
            Assert.Equal(createdAt.AddSeconds(1), trainable[0].LabeledAt);
            TestSegments.AssertSame(shared, trainable[0].Pair.Left);
            Assert.Equal(3, store.GetLabeledPairs(includeSkipped: true).Count);
            Assert.Equal([PreferenceLabel.Equal, PreferenceLabel.Skip], store.GetLabeledPairs(true, "human:alice").Select(l => l.Label));
            Assert.Equal("ok", store.CheckIntegrity());
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void CaptionsAreKeptWithTheSegmentAndAnUncaptionedSegmentEncodesWithoutThem()
    {
        using var dir = new TempDirectory();
        var captioned = TestSegments.Make(3, [1, 2, 3]).WithCaptions(["", "the hopper fell", "the hopper fell"]);
        var plain = TestSegments.Make(4, [0, 0, 0]);
        using (var store = SegmentCodec.OpenStore(dir.File("labels.db")))
            store.AddPairs([new ItemPair<Segment>(captioned, plain)], new PairProvenance(0, "uniform"));
        using (var store = SegmentCodec.OpenStoreReadOnly(dir.File("labels.db")))
        {
            var pair = Assert.Single(store.GetUnlabeledPairs());
            Assert.Equal(new[] { "", "the hopper fell", "the hopper fell" }, pair.Left.Captions);
            Assert.Empty(pair.Right.Captions);
            TestSegments.AssertSame(captioned, pair.Left);
        }
        // The field is optional: a segment without captions has no "captions" key at all, as before the field existed.
        Assert.DoesNotContain("captions", System.Text.Encoding.ASCII.GetString(SegmentCodec.Instance.Encode(plain)), StringComparison.Ordinal);
        Assert.Contains("captions", System.Text.Encoding.ASCII.GetString(SegmentCodec.Instance.Encode(captioned)), StringComparison.Ordinal);
        var mismatched = new Segment
        {
            Source = plain.Source, EnvId = plain.EnvId, Length = 3, ObservationSize = plain.ObservationSize, ActionSize = plain.ActionSize,
            Observations = plain.Observations, Actions = plain.Actions, TrueRewards = plain.TrueRewards, Captions = ["one"],
        };
        Assert.Equal("captions has 1 entries, expected none or length 3", SegmentCodec.Instance.FindInconsistency(mismatched));
    }

    [Fact]
    public void BadLabelsAreRejectedWithoutWritingAnything()
    {
        using var dir = new TempDirectory();
        using var store = SegmentCodec.OpenStore(dir.File("labels.db"));
        long id = store.AddPairs([Pair(1, 2)], new PairProvenance(0, "uniform"))[0].Id;

        var unknown = Assert.Throws<LabelRejectedException>(() => store.RecordLabel(id + 41, PreferenceLabel.Left, "human:bob"));
        Assert.Equal(LabelRejection.UnknownPair, unknown.Reason);
        Assert.Contains($"pair {id + 41} does not exist", unknown.Message);

        store.RecordLabel(id, PreferenceLabel.Left, "human:bob");
        var duplicate = Assert.Throws<LabelRejectedException>(() => store.RecordLabel(id, PreferenceLabel.Right, "human:bob"));
        Assert.Equal(LabelRejection.DuplicateLabel, duplicate.Reason);
        Assert.Contains("already labelled pair", duplicate.Message);
        Assert.Contains("as Left", duplicate.Message);
        store.RecordLabel(id, PreferenceLabel.Right, "human:carol"); // another labeler may answer the same pair

        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => store.RecordLabel(id, (PreferenceLabel)7, "human:dave"));
        Assert.Contains("label 7", outside.Message);
        Assert.Contains("Left (0), Right (1), Equal (2) or Skip (3)", outside.Message);
        Assert.Throws<ArgumentException>(() => store.RecordLabel(id, PreferenceLabel.Left, " "));

        Assert.Equal(2, store.GetCounts().Labels);
    }

    [Fact]
    public void AFileThatIsNotALabelStoreIsRefusedByName()
    {
        using var dir = new TempDirectory();
        string garbage = dir.File("garbage.db");
        File.WriteAllText(garbage, "this is not a database, just some text that is long enough to look like a header..........");
        var ex = Assert.Throws<LabelStoreException>(() => SegmentCodec.OpenStore(garbage));
        Assert.Contains(garbage, ex.Message);
        Assert.Contains("not an SQLite database", ex.Message);

        string other = dir.File("other.db");
        using (var connection = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE runs (id INTEGER PRIMARY KEY)";
            command.ExecuteNonQuery();
        }
        ex = Assert.Throws<LabelStoreException>(() => SegmentCodec.OpenStore(other));
        Assert.Contains(other, ex.Message);
        Assert.Contains("not a label store", ex.Message);
        Assert.Contains("runs", ex.Message);

        string newer = dir.File("newer.db");
        SegmentCodec.OpenStore(newer).Dispose();
        using (var connection = new SqliteConnection($"Data Source={newer};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {LabelStoreFormat.SchemaVersion + 1}";
            command.ExecuteNonQuery();
        }
        ex = Assert.Throws<LabelStoreException>(() => SegmentCodec.OpenStore(newer));
        Assert.Contains($"schema version {LabelStoreFormat.SchemaVersion + 1} is not supported", ex.Message);
        Assert.Contains("newer build", ex.Message);

        ex = Assert.Throws<LabelStoreException>(() => SegmentCodec.OpenStore(Path.Combine(dir.Path, "missing", "labels.db")));
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void ConcurrentWritersInOneProcessLoseNothing()
    {
        using var dir = new TempDirectory();
        using var store = SegmentCodec.OpenStore(dir.File("labels.db"));
        const int threads = 6, perThread = 25;
        var written = new System.Collections.Concurrent.ConcurrentBag<(long, string)>();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            string labeler = $"human:{t}";
            for (int i = 0; i < perThread; i++)
            {
                long id = store.AddPairs([Pair(t, i)], new PairProvenance(t, "uniform"))[0].Id;
                store.RecordLabel(id, PreferenceLabel.Left, labeler);
                written.Add((id, labeler));
                _ = store.GetUnlabeledPairs(limit: 5);
            }
        });
        Assert.Equal(new LabelStoreCounts(2 * threads * perThread, threads * perThread, threads * perThread, threads * perThread), store.GetCounts());
        var stored = store.GetLabeledPairs().Select(l => (l.Pair.Id, l.LabelerId)).ToHashSet();
        Assert.True(stored.SetEquals(written));
        Assert.Equal("ok", store.CheckIntegrity());
    }
}
