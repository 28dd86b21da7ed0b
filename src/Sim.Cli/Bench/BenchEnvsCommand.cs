using System.CommandLine;
using System.Globalization;
using System.Text;
using Sim.Cli.Commands;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;
using Spectre.Console;

namespace Sim.Cli.Bench;

/// <summary><c>sim bench envs</c>: env throughput for every env, numEnvs and thread count, against raw MuJoCo.</summary>
public static class BenchEnvsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var envs = new Option<string[]>("--envs") { Description = "Env ids to measure (default: all registered)", AllowMultipleArgumentsPerToken = true };
        var numEnvs = new Option<int[]>("--num-envs") { Description = "Batch sizes", DefaultValueFactory = _ => [1, 16, 256], AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int[]>("--threads") { Description = "Worker thread counts", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per configuration", DefaultValueFactory = _ => 1.0 };
        var extra = new Option<string[]>("--extra") { Description = "Extra env:numEnvs:threads points, e.g. CartPole-v1:4096:2", DefaultValueFactory = _ => ["CartPole-v1:4096:1", "CartPole-v1:4096:2"], AllowMultipleArgumentsPerToken = true };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the results as a markdown table to this file" };
        var rounds = new Option<int>("--ratio-rounds")
        {
            Description = "Alternations of the raw C loop and the env (1 thread, its best batch size) behind the ratio column; the median is shown",
            DefaultValueFactory = _ => 5,
        };
        var command = new Command("envs", "Measure env steps/s at several batch sizes and thread counts, with the raw MuJoCo C loop as baseline")
        {
            envs, numEnvs, threads, seconds, extra, markdown, rounds,
        };
        command.SetAction(parse => Run(
            parse.GetValue(envs) is { Length: > 0 } ids ? ids : Envs.Envs.Registry.Ids.ToArray(),
            parse.GetValue(numEnvs)!, parse.GetValue(threads)!, parse.GetValue(seconds),
            parse.GetValue(extra)!, parse.GetValue(markdown), parse.GetValue(rounds)));
        return command;
    }

    const double MaxSeconds = 86_400;

    static int Run(string[] ids, int[] batchSizes, int[] threadCounts, double seconds, string[] extra, FileInfo? markdownFile, int ratioRounds)
    {
        if (ratioRounds < 1) throw new ArgumentException($"--ratio-rounds = {ratioRounds}: expected at least 1 alternation");
        // A day per point is already far beyond any useful measurement, and keeps the duration a valid TimeSpan.
        if (!(seconds > 0 && seconds <= MaxSeconds))
            throw new ArgumentException($"--seconds = {seconds}: expected a positive duration of at most {MaxSeconds} s per configuration");
        foreach (int n in batchSizes)
            if (n < 1) throw new ArgumentException($"--num-envs {n}: expected batch sizes of at least 1");
        foreach (int t in threadCounts)
            if (t < 1) throw new ArgumentException($"--threads {t}: expected thread counts of at least 1");
        foreach (var id in ids) Envs.Envs.Registry.Spec(id); // fail fast on unknown ids, listing the known ones
        foreach (var point in extra) ParsePoint(point);
        foreach (var id in ids)
        {
            using var probe = Envs.Envs.Registry.Spec(id).Factory(1, Core.VectorEnvOptions.Default);
            foreach (int n in batchSizes) EnvMemoryBudget.Require($"--num-envs {n}", id, probe, n);
        }
        if (markdownFile != null) OutputPath.RequireWritableFile("--markdown", markdownFile);
        var duration = TimeSpan.FromSeconds(seconds);
        var results = new Dictionary<(string, int, int), double>();
        var baselines = new Dictionary<string, Baseline>();
        var ratios = new Dictionary<string, double[]>();
        AnsiConsole.MarkupLine($"[grey]{Environment.ProcessorCount} cores, {seconds:0.##} s per point, {ratioRounds} ratio rounds[/]");

        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(ctx =>
        {
            var points = (from id in ids from n in batchSizes from t in threadCounts select (id, n, t))
                .Concat(extra.Select(ParsePoint)).Distinct().ToList();
            var task = ctx.AddTask("measuring", maxValue: points.Count + ids.Length * (1 + ratioRounds));
            foreach (var id in ids)
            {
                task.Description = $"{id} raw MuJoCo baseline";
                if (MeasureBaseline(id) is { } b) baselines[id] = b;
                task.Increment(1);
            }
            foreach (var (id, n, t) in points)
            {
                task.Description = $"{id} × {n} on {t} thread(s)";
                results[(id, n, t)] = EnvThroughput.Measure(id, n, t, duration);
                task.Increment(1);
            }
            // The ratio to raw C comes from alternating the two, so that a change in the machine's load between the grid
            // above and the baseline measured before it cannot tilt it: each round's pair runs back to back.
            foreach (var id in ids)
            {
                if (!baselines.TryGetValue(id, out var baseline) || baseline.RawC is null) continue;
                int best = batchSizes.MaxBy(n => results[(id, n, threadCounts.Min())]);
                var roundRatios = new double[ratioRounds];
                for (int r = 0; r < ratioRounds; r++)
                {
                    task.Description = $"{id} × {best} against raw C, round {r + 1} of {ratioRounds}";
                    double raw = MeasureBaseline(id)!.RawC!.Value;
                    roundRatios[r] = EnvThroughput.Measure(id, best, 1, duration) * baseline.FrameSkip / raw;
                    task.Increment(1);
                }
                ratios[id] = roundRatios;
            }
        });

        var table = BuildTable(ids, batchSizes, threadCounts, results, baselines, ratios);
        // A wide table wraps badly in a pipe or log; the markdown form reads well anywhere.
        if (!Console.IsOutputRedirected) AnsiConsole.Write(table.Console);
        Console.WriteLine();
        Console.WriteLine(table.Markdown);
        foreach (var line in ExtraLines(extra, results)) Console.WriteLine(line);
        if (markdownFile != null)
            File.WriteAllText(markdownFile.FullName, table.Markdown + "\n" + string.Join("\n", ExtraLines(extra, results)) + "\n");
        return 0;
    }

    /// <summary>Physics steps/s for one model: MuJoCo's own C loop, and the same loop called from C#.</summary>
    sealed record Baseline(int FrameSkip, double? RawC, double PInvoke);

    static Baseline? MeasureBaseline(string id)
    {
        using var env = Envs.Envs.Registry.Make(id, 1, seed: 0);
        var mujocoEnv = env as MuJoCoVectorEnv ?? (env as VectorEnvWrapper)?.Find<MuJoCoVectorEnv>();
        if (mujocoEnv is null) return null;
        var path = Path.Combine(Path.GetTempPath(), $"sim-bench-{Guid.NewGuid():N}.xml");
        try
        {
            mujocoEnv.Model.SaveLastLoadedXml(path);
            double? raw = RawMuJoCoBaseline.StepsPerSecond(path, steps: 20_000);
            double pinvoke = PInvokeStepLoop.StepsPerSecond(mujocoEnv.Model, steps: 20_000);
            return new Baseline(mujocoEnv.FrameSkip, raw, pinvoke);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static (string, int, int) ParsePoint(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || !int.TryParse(parts[1], out int n) || !int.TryParse(parts[2], out int t) || n < 1 || t < 1)
            throw new ArgumentException($"--extra '{text}': expected envId:numEnvs:threads, e.g. CartPole-v1:4096:2");
        Envs.Envs.Registry.Spec(parts[0]);
        return (parts[0], n, t);
    }

    static IEnumerable<string> ExtraLines(string[] extra, Dictionary<(string, int, int), double> results) =>
        extra.Select(ParsePoint).Distinct().Select(p => $"- {p.Item1} × {p.Item2} envs on {p.Item3} thread(s): {Format(results[p])} steps/s");

    static (Table Console, string Markdown) BuildTable(string[] ids, int[] batchSizes, int[] threadCounts,
        Dictionary<(string, int, int), double> results, Dictionary<string, Baseline> baselines, Dictionary<string, double[]> ratios)
    {
        var headers = new List<string> { "env" };
        foreach (var n in batchSizes) foreach (var t in threadCounts) headers.Add($"n={n} t={t}");
        int maxThreads = threadCounts.Max(), minThreads = threadCounts.Min();
        headers.AddRange(["raw C phys/s", "P/Invoke phys/s", "env phys/s (1 thread) ÷ raw C, median (range) of alternations",
            $"scaling {minThreads}→{maxThreads} (n≥16)"]);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in headers) table.AddColumn(new TableColumn(h).RightAligned());
        var md = new StringBuilder();
        md.AppendLine("| " + string.Join(" | ", headers) + " |");
        md.AppendLine("|" + string.Concat(headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var id in ids)
        {
            var row = new List<string> { id };
            foreach (var n in batchSizes) foreach (var t in threadCounts) row.Add(Format(results[(id, n, t)]));
            if (baselines.TryGetValue(id, out var b))
            {
                row.Add(b.RawC is double raw ? Format(raw) : "n/a");
                row.Add(Format(b.PInvoke));
                row.Add(ratios.TryGetValue(id, out var r) ? RatioText(r) : "n/a");
            }
            else
            {
                row.AddRange(["—", "—", "—"]);
            }
            var wide = batchSizes.Where(n => n >= 16).ToList();
            row.Add(wide.Count == 0 || minThreads == maxThreads ? "—"
                : wide.Max(n => results[(id, n, maxThreads)] / results[(id, n, minThreads)]).ToString("0.00×", CultureInfo.InvariantCulture));
            table.AddRow(row.Select(Markup.Escape).ToArray());
            md.AppendLine("| " + string.Join(" | ", row) + " |");
        }
        return (table, md.ToString());
    }

    /// <summary>The median of <paramref name="ratios"/> with their range, e.g. <c>0.95× (0.91–1.02)</c>.</summary>
    internal static string RatioText(IReadOnlyList<double> ratios)
    {
        var sorted = ratios.Order().ToArray();
        int m = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
        string x(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        return sorted.Length == 1 ? x(median) + "×" : $"{x(median)}× ({x(sorted[0])}–{x(sorted[^1])})";
    }

    static string Format(double stepsPerSecond) => stepsPerSecond switch
    {
        >= 1e6 => (stepsPerSecond / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (stepsPerSecond / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        _ => stepsPerSecond.ToString("0", CultureInfo.InvariantCulture),
    };
}
