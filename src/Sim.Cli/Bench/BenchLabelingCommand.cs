using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sim.Labeling;
using Sim.Rewards.Labels;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot;

namespace Sim.Cli.Bench;

/// <summary><c>sim bench labeling</c>: the labeling site's load test: N labelers answering as fast as the site lets them on
/// loopback for a bounded time, with next-pair and submit latencies, labels/s and labels lost.</summary>
public static class BenchLabelingCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var labelers = new Option<int>("--labelers") { Description = "Concurrent labelers", DefaultValueFactory = _ => 50 };
        var seconds = new Option<double>("--seconds") { Description = "How long they label", DefaultValueFactory = _ => 60 };
        var answerEvery = new Option<double>("--answer-every") { Description = "Seconds from one answer of a labeler to their next (0: as fast as the site lets them)", DefaultValueFactory = _ => 0 };
        var command = new Command("labeling", "Load-test the labeling site on loopback: latency of next pair and submit, labels/s, labels lost") { labelers, seconds, answerEvery };
        command.SetAction(parse => Run(parse.GetValue(labelers), parse.GetValue(seconds), parse.GetValue(answerEvery)));
        return command;
    }

    static int Run(int labelers, double seconds, double answerEvery)
    {
        if (labelers < 1) throw new ArgumentException($"--labelers = {labelers}: expected at least 1");
        if (!(seconds > 0 && seconds <= 3600)) throw new ArgumentException($"--seconds = {seconds}: expected 0 < seconds <= 3600");
        if (!(answerEvery >= 0 && answerEvery <= seconds)) throw new ArgumentException($"--answer-every = {answerEvery}: expected 0 (as fast as possible) up to --seconds ({seconds})");
        string folder = Directory.CreateTempSubdirectory("sim-bench-labeling-").FullName;
        try
        {
            return Measure(folder, labelers, seconds, answerEvery);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static int Measure(string folder, int labelerCount, double seconds, double answerEvery)
    {
        string path = Path.Combine(folder, "labels.db");
        // More pairs than the site takes in a run on this machine (under 1,000 answers/s), of tiny segments with ready clip
        // rows: the load is the site and SQLite, not rendering (which docs/benchmarks.md measures apart).
        int pairs = (int)Math.Clamp(1000 * seconds, 1000, 200_000);
        using (var store = SegmentCodec.OpenStore(path))
        {
            var items = Enumerable.Range(0, pairs).Select(i => new ItemPair<Segment>(Tiny(i, 0), Tiny(i, 1))).ToList();
            store.AddPairs(items, new PairProvenance(0, "bench"));
        }
        using var database = LabelingDatabase.Open(path);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO labeling_clips (item_id, clip_id, video_file, poster_file) SELECT id, printf('%032x', id), 'bench.webm', 'bench.png' FROM items";
            command.ExecuteNonQuery();
        }
        var tokens = Enumerable.Range(0, labelerCount).Select(i => database.AddLabeler($"bench{i}")).ToList();
        var options = new LabelingOptions { Port = 0, RateLimitPerSecond = 100_000, ClipFolder = Path.Combine(folder, "clips"), GoldRate = 0 };
        var site = LabelingSite.StartAsync(database, options).GetAwaiter().GetResult();
        var next = new ConcurrentBag<double>();
        var submit = new ConcurrentBag<double>();
        var acknowledged = new ConcurrentBag<long>();
        long errors = 0;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = labelerCount * 2 }) { BaseAddress = new Uri(site.Url) };
        var deadline = Stopwatch.StartNew();
        async Task Label(string token, int index)
        {
            // Paced labelers start spread over one interval, as people who did not sit down at the same instant.
            if (answerEvery > 0) await Task.Delay(TimeSpan.FromSeconds(answerEvery * index / labelerCount));
            while (deadline.Elapsed.TotalSeconds < seconds)
            {
                long start = Stopwatch.GetTimestamp();
                long cycleStart = start;
                using var ask = new HttpRequestMessage(HttpMethod.Get, "/api/next");
                ask.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var shown = await http.SendAsync(ask);
                var pair = JsonDocument.Parse(await shown.Content.ReadAsStringAsync()).RootElement;
                next.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!shown.IsSuccessStatusCode || pair.GetProperty("pair").ValueKind == JsonValueKind.Null) { Interlocked.Increment(ref errors); return; }
                start = Stopwatch.GetTimestamp();
                using var answer = new HttpRequestMessage(HttpMethod.Post, "/api/labels")
                {
                    Content = new StringContent($"{{\"pair\":{pair.GetProperty("pair").GetInt64()},\"lease\":{pair.GetProperty("lease").GetInt64()},\"choice\":\"left\"}}", Encoding.UTF8, "application/json"),
                };
                answer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var stored = await http.SendAsync(answer);
                var reply = JsonDocument.Parse(await stored.Content.ReadAsStringAsync()).RootElement;
                submit.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (stored.IsSuccessStatusCode) acknowledged.Add(reply.GetProperty("label").GetInt64());
                else Interlocked.Increment(ref errors);
                var rest = TimeSpan.FromSeconds(answerEvery) - Stopwatch.GetElapsedTime(cycleStart);
                if (rest > TimeSpan.Zero) await Task.Delay(rest);
            }
        }
        Task.WaitAll(tokens.Select((t, i) => Task.Run(() => Label(t, i))).ToArray());
        double elapsed = deadline.Elapsed.TotalSeconds;
        site.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var stored = database.Store.GetLabeledPairs(includeSkipped: true).Count;
        long lost = acknowledged.Count - Math.Min(stored, acknowledged.Count);
        static string Percentiles(ConcurrentBag<double> values)
        {
            var sorted = values.Order().ToArray();
            double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
            return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):0.0} ms, p99 {At(0.99):0.0} ms ({sorted.Length} requests)");
        }
        string pace = answerEvery > 0 ? string.Create(CultureInfo.InvariantCulture, $"one answer every {answerEvery:0.###} s each") : "as fast as the site lets them";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{labelerCount} labelers ({pace}), {elapsed:0.0} s on loopback, {Environment.ProcessorCount} cores"));
        Console.WriteLine($"next pair: {Percentiles(next)}");
        Console.WriteLine($"submit:    {Percentiles(submit)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"labels: {acknowledged.Count} acknowledged ({acknowledged.Count / elapsed:0.0}/s), {stored} in the store, {lost} lost, {errors} refused requests"));
        return lost == 0 ? 0 : 1;
    }

    // A two-step segment, distinct per pair and side so the store keeps one item each.
    static Segment Tiny(int pair, int side) => new()
    {
        Source = "bench",
        EnvId = "HalfCheetah-v1",
        Episode = pair,
        StartStep = side,
        Length = 2,
        ObservationSize = 1,
        ActionSize = 1,
        Observations = [pair, side],
        Actions = [0, 0],
        TrueRewards = [0, 0],
    };
}
