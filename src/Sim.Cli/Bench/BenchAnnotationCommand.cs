using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Sim.Feedback;
using Spectre.Console;

namespace Sim.Cli.Bench;

/// <summary><c>sim bench annotation</c>: the annotation service's throughput against a server (the stand-in LLM in
/// docs/benchmarks.md): N distinct captions requested at once, answered items per second and requests made; then the
/// same captions again from the cache, which must make no request.</summary>
public static class BenchAnnotationCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = new Option<string>("--llm-url") { Description = "Base URL of the OpenAI-compatible server", Required = true };
        var model = new Option<string>("--llm-model") { Description = "Model name the server serves", DefaultValueFactory = _ => "stand-in" };
        var items = new Option<int>("--items") { Description = "Distinct captions to annotate", DefaultValueFactory = _ => 2000 };
        var batch = new Option<int>("--batch-size") { Description = "Captions per request", DefaultValueFactory = _ => 16 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 2 };
        var command = new Command("annotation", "Throughput of LLM annotation against a chat-completions server, and the cache hit rate of a second pass")
        {
            url, model, items, batch, concurrency,
        };
        command.SetAction(parse => Run(parse.GetValue(url)!, parse.GetValue(model)!, parse.GetValue(items), parse.GetValue(batch), parse.GetValue(concurrency)));
        return command;
    }

    static int Run(string url, string model, int items, int batchSize, int concurrency)
    {
        if (items < 1) throw new ArgumentException($"--items = {items}: expected at least 1");
        var options = new LlmOptions { BaseUrl = url, Model = model, BatchSize = batchSize, MaxConcurrency = concurrency };
        if (options.FindProblem() is { } problem) throw new ArgumentException(problem);
        string folder = Directory.CreateTempSubdirectory("sim-bench-annotation-").FullName;
        try
        {
            // Distinct texts the stand-in's rule can answer: half name progress, half do not.
            var captions = Enumerable.Range(0, items)
                .Select(i => string.Create(CultureInfo.InvariantCulture, $"step {i}: the puck {(i % 2 == 0 ? "moved closer to" : "moved away from")} the target")).ToArray();
            string cache = Path.Combine(folder, "annotations.db");
            var (first, firstSeconds) = Pass(options, cache, captions);
            var (second, secondSeconds) = Pass(options, cache, captions);
            var table = new Table().AddColumns("pass", "items", "answered", "failed", "cached", "requests", "seconds", "items/s");
            void Row(string name, AnnotationCounters c, double s) => table.AddRow(name, items.ToString(CultureInfo.InvariantCulture),
                c.Answered.ToString(CultureInfo.InvariantCulture), c.Failed.ToString(CultureInfo.InvariantCulture), c.Cached.ToString(CultureInfo.InvariantCulture),
                c.RequestsSent.ToString(CultureInfo.InvariantCulture), s.ToString("0.000", CultureInfo.InvariantCulture),
                ((c.Answered + c.Cached) / s).ToString("0", CultureInfo.InvariantCulture));
            Row("first: asks the server", first, firstSeconds);
            Row("second: from the cache", second, secondSeconds);
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch {batchSize}, concurrency {concurrency}; cache hit rate of the second pass {second.CacheHitRate:0.000}"));
            return first.Failed == 0 && second.RequestsSent == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    static (AnnotationCounters Counters, double Seconds) Pass(LlmOptions options, string cachePath, string[] captions)
    {
        var counters = new AnnotationCounters();
        using var cache = AnnotationCache.Open(cachePath);
        var service = new AnnotationService(OpenAiCompatibleClient.Create(options, OpenAiCompatibleClient.ReadApiKey(options), counters),
            new CaptionLabelPrompt(), options, cache, counters, OpenAiCompatibleClient.ReadApiKey(options));
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (string caption in captions) service.Request(caption);
            if (!service.DrainAsync(TimeSpan.FromMinutes(10)).GetAwaiter().GetResult())
                throw new TimeoutException($"the annotation queue still held {counters.QueueLength} captions after 10 minutes");
            return (counters, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            service.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
