using System.Globalization;
using Sim.Alignment.Training;
using Sim.Learning.Runs;
using Spectre.Console;

namespace Sim.Cli.Commands.Align;

/// <summary>Runs an alignment trainer in its run folder under a Spectre progress bar showing steps and tokens/s, stops
/// cleanly on Ctrl-C (checkpoint, then exit), and prints where everything went.</summary>
public static class AlignProgress
{
    /// <summary>Trains <paramref name="trainer"/> in <paramref name="run"/>, resuming when <paramref name="resume"/>;
    /// <paramref name="outputs"/> names the files the run ends with, for the summary.</summary>
    public static void Train<TConfig>(AlignmentTrainer<TConfig> trainer, RunDirectory run, bool resume, string summary, params string[] outputs)
        where TConfig : AlignmentConfig
    {
        AnsiConsole.MarkupLine($"[bold]align {trainer.Algorithm}[/] · {Markup.Escape(summary)}");
        AnsiConsole.MarkupLine($"run folder: [blue]{Markup.Escape(run.Path)}[/]");
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler stop = (_, e) =>
        {
            e.Cancel = true; // finish the step, checkpoint, then stop
            cancel.Cancel();
        };
        Console.CancelKeyPress += stop;
        try
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: trainer.TotalSteps);
                    trainer.Train(run, resume, cancel.Token, p =>
                    {
                        task.Value = Math.Min(p.GlobalStep, p.TotalTimesteps);
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"step {p.GlobalStep:N0}/{p.TotalTimesteps:N0} · {trainer.TokensPerSecond:N0} tokens/s");
                    });
                });
        }
        finally
        {
            Console.CancelKeyPress -= stop;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.AddRow("steps", string.Create(CultureInfo.InvariantCulture, $"{trainer.GlobalStep:N0} of {trainer.TotalSteps:N0}"));
        table.AddRow("tokens/s", string.Create(CultureInfo.InvariantCulture, $"{trainer.TokensPerSecond:N0}"));
        foreach (var output in outputs) table.AddRow("wrote", Markup.Escape(Path.Combine(run.Path, output)));
        table.AddRow("curves", Markup.Escape(run.CurvePath));
        table.AddRow("metrics", Markup.Escape(run.MetricsPath) + " and " + Markup.Escape(run.TensorBoardPath));
        if (trainer.GlobalStep < trainer.TotalSteps) table.AddRow("continue with", Markup.Escape($"sim align {trainer.Algorithm} --resume {run.Path}"));
        AnsiConsole.Write(table);
    }
}
