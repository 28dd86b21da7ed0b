using Microsoft.Data.Sqlite;
using Sim.Rewards.Preferences;

namespace Sim.Labeling;

// Progress and per-labeler quality.
public sealed partial class LabelingDatabase
{
    /// <summary>Answers given, pairs still needing answers, and the budget (<paramref name="budget"/>, or every non-gold
    /// pair times k when null), counted now.</summary>
    public LabelingProgress Progress(LeasePolicy policy, long? budget)
    {
        lock (_progressGate)
        {
            ThrowIfDisposed();
            _progressReader ??= OpenReader();
            using var command = _progressReader.CreateCommand();
            command.CommandText = """
                SELECT
                  (SELECT count(*) FROM labels WHERE labeler LIKE 'human:%'),
                  (SELECT count(*) FROM pairs p WHERE p.id NOT IN (SELECT pair_id FROM labeling_gold)
                     AND (SELECT count(*) FROM labels l WHERE l.pair_id = p.id AND l.labeler LIKE 'human:%') < $k),
                  (SELECT count(*) FROM pairs p WHERE p.id NOT IN (SELECT pair_id FROM labeling_gold)
                     AND (SELECT count(*) FROM labels l WHERE l.pair_id = p.id AND l.labeler LIKE 'human:%') < $k
                     AND EXISTS (SELECT 1 FROM labeling_clips c WHERE c.item_id = p.left_item)
                     AND EXISTS (SELECT 1 FROM labeling_clips c WHERE c.item_id = p.right_item)),
                  (SELECT count(*) FROM pairs p WHERE p.id NOT IN (SELECT pair_id FROM labeling_gold)),
                  (SELECT count(*) FROM labeling_labelers)
                """;
            command.Parameters.AddWithValue("$k", policy.LabelersPerPair);
            using var reader = command.ExecuteReader();
            reader.Read();
            return new LabelingProgress(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2),
                budget ?? reader.GetInt64(3) * policy.LabelersPerPair, reader.GetInt32(4));
        }
    }

    /// <summary>How long <see cref="RecentProgress"/> may show counts before it asks for new ones.</summary>
    public static readonly TimeSpan ProgressRefreshEvery = TimeSpan.FromSeconds(1);

    /// <summary><see cref="Progress"/> as counted at most about <see cref="ProgressRefreshEvery"/> ago (or ten times as long
    /// as the last count took, when that is longer), for every next-pair request: the counts walk every pair, so they are
    /// refreshed in the background, one count at a time, and a request never waits for one (but the first).</summary>
    public LabelingProgress RecentProgress(LeasePolicy policy, long? budget)
    {
        var cached = _recentProgress;
        long now = Environment.TickCount64;
        if (cached is null || cached.K != policy.LabelersPerPair || cached.Budget != budget)
        {
            var counted = Progress(policy, budget);
            _recentProgress = new ProgressSnapshot(counted, now, policy.LabelersPerPair, budget);
            return counted;
        }
        // A count that takes long (a store of many thousand pairs) is refreshed less often, so it never takes more than a
        // tenth of the time of one core from the requests.
        double refreshEvery = Math.Max(ProgressRefreshEvery.TotalMilliseconds, 10 * Volatile.Read(ref _lastCountMs));
        if (now - cached.At > refreshEvery && Interlocked.CompareExchange(ref _progressRefreshing, 1, 0) == 0)
            _ = Task.Run(() =>
            {
                try
                {
                    long started = Environment.TickCount64;
                    _recentProgress = new ProgressSnapshot(Progress(policy, budget), Environment.TickCount64, policy.LabelersPerPair, budget);
                    Volatile.Write(ref _lastCountMs, Environment.TickCount64 - started);
                }
                catch (ObjectDisposedException)
                {
                    // The site closed while counting.
                }
                finally
                {
                    Volatile.Write(ref _progressRefreshing, 0);
                }
            });
        return cached.Progress;
    }

    sealed record ProgressSnapshot(LabelingProgress Progress, long At, int K, long? Budget);

    readonly object _progressGate = new();
    SqliteConnection? _progressReader;
    volatile ProgressSnapshot? _recentProgress;
    int _progressRefreshing;
    long _lastCountMs;

    // Counting on its own read-only connection keeps the write lock free: in WAL mode readers and the writer do not wait on each other.
    SqliteConnection OpenReader()
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = FilePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>How many answers <paramref name="labelerName"/> has given.</summary>
    public long CountLabels(string labelerName)
    {
        ThrowIfDisposed();
        return _readers.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM labels WHERE labeler = $me";
            command.Parameters.AddWithValue("$me", LabelerName.ToLabelerId(labelerName));
            return (long)command.ExecuteScalar()!;
        });
    }

    /// <summary>Every labeler's gold accuracy, agreement with the others, pace and time per label.</summary>
    public IReadOnlyList<LabelerStats> Stats()
    {
        List<(long Pair, int Label, string Labeler, long At)> labels;
        Dictionary<long, int> gold;
        List<(string Labeler, long Millis)> durations;
        IReadOnlyList<string> names = LabelerNames();
        lock (_gate)
        {
            ThrowIfDisposed();
            using (var command = Command("SELECT pair_id, label, labeler, labeled_at_ms FROM labels WHERE labeler LIKE 'human:%' ORDER BY id"))
                labels = ReadAll(command, r => (r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetInt64(3)));
            using (var command = Command("SELECT pair_id, answer FROM labeling_gold"))
                gold = ReadAll(command, r => (r.GetInt64(0), r.GetInt32(1))).ToDictionary(g => g.Item1, g => g.Item2);
            using (var command = Command("SELECT labeler, answered_at_ms - shown_at_ms FROM labeling_leases WHERE answered_at_ms IS NOT NULL"))
                durations = ReadAll(command, r => (r.GetString(0), r.GetInt64(1)));
        }
        const int skip = (int)PreferenceLabel.Skip;
        var byPair = labels.Where(l => l.Label != skip).GroupBy(l => l.Pair).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<LabelerStats>(names.Count);
        foreach (string name in names)
        {
            string id = LabelerName.ToLabelerId(name);
            var mine = labels.Where(l => l.Labeler == id).ToList();
            var onGold = mine.Where(l => gold.ContainsKey(l.Pair)).ToList();
            long goldCorrect = onGold.Count(l => gold[l.Pair] == l.Label);
            long comparisons = 0, agreeing = 0;
            foreach (var answer in mine.Where(l => l.Label != skip))
                foreach (var other in byPair[answer.Pair].Where(o => o.Labeler != id))
                {
                    comparisons++;
                    if (other.Label == answer.Label) agreeing++;
                }
            double? perHour = mine.Count < 2 ? null : (mine.Count - 1) / Math.Max((mine[^1].At - mine[0].At) / 3_600_000.0, 1.0 / 3600);
            var times = durations.Where(d => d.Labeler == id).Select(d => d.Millis / 1000.0).Order().ToList();
            double? median = times.Count == 0 ? null : times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
            result.Add(new LabelerStats(name, mine.Count, onGold.Count, goldCorrect, comparisons == 0 ? null : agreeing / (double)comparisons, comparisons, perHour, median));
        }
        return result;
    }

    /// <summary>Share of pairs with two or more (non-Skip) answers on which every answer agrees, and how many such pairs
    /// there are (the k-labeler agreement).</summary>
    public (double? Agreement, int Pairs) PairAgreement()
    {
        List<(long Pair, int Label)> labels;
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("SELECT pair_id, label FROM labels WHERE labeler LIKE 'human:%' AND label <> 3");
            labels = ReadAll(command, r => (r.GetInt64(0), r.GetInt32(1)));
        }
        var shared = labels.GroupBy(l => l.Pair).Where(g => g.Count() >= 2).ToList();
        if (shared.Count == 0) return (null, 0);
        return (shared.Count(g => g.Select(l => l.Label).Distinct().Count() == 1) / (double)shared.Count, shared.Count);
    }
}
