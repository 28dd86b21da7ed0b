using System.CommandLine;
using Sim.Learning.Runs;
using Spectre.Console;

namespace Sim.Cli.Commands;

/// <summary><c>sim plot</c>: one PNG comparing a metric across run folders, e.g. learned-reward runs against the true reward.</summary>
public static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var runs = new Argument<DirectoryInfo[]>("runs") { Description = "Run folders written by `sim train`", Arity = ArgumentArity.OneOrMore };
        var tag = new Option<string>("--tag") { Description = "Metric to plot", DefaultValueFactory = _ => LearningCurvePlot.EpisodicReturnTag };
        var labels = new Option<string[]>("--labels") { Description = "Legend names, one per run (default: the run folder names)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--out") { Description = "PNG to write", DefaultValueFactory = _ => new FileInfo("compare.png") };
        var window = new Option<int>("--window") { Description = "Moving-average window, in logged values", DefaultValueFactory = _ => LearningCurvePlot.DefaultWindow };
        var title = new Option<string?>("--title") { Description = "Plot title (default: the tag)" };
        var command = new Command("plot", "Compare one metric (default charts/episodic_return) across run folders in one PNG")
        {
            runs, tag, labels, output, window, title,
        };
        command.SetAction(parse => Plot(parse.GetValue(runs)!, parse.GetValue(tag)!, parse.GetValue(labels), parse.GetValue(output)!,
            parse.GetValue(window), parse.GetValue(title)));
        return command;
    }

    static int Plot(DirectoryInfo[] runs, string tag, string[]? labels, FileInfo output, int window, string? title)
    {
        if (labels is { Length: > 0 } && labels.Length != runs.Length)
            throw new ArgumentException($"--labels has {labels.Length} names for {runs.Length} runs: expected one name per run");
        if (window < 1) throw new ArgumentException($"--window = {window}: expected at least 1 logged value");
        OutputPath.RequireWritableFile("--out", output);
        var series = new List<(string Label, IReadOnlyList<MetricPoint> Points)>();
        for (int i = 0; i < runs.Length; i++)
        {
            var run = RunDirectory.Open(runs[i].FullName);
            var metrics = MetricsFile.Read(run.MetricsPath);
            if (!metrics.TryGetValue(tag, out var points))
                throw new ArgumentException($"run '{run.Path}' logged no '{tag}': its tags are {string.Join(", ", metrics.Keys.Order())}");
            series.Add((labels is { Length: > 0 } ? labels[i] : run.Name, points));
        }
        LearningCurvePlot.WriteComparison(output.FullName, series, title ?? tag, tag, window);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(output.FullName)}[/] ({runs.Length} runs, {Markup.Escape(tag)})");
        return 0;
    }
}
