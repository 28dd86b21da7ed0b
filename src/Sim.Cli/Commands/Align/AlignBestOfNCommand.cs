using System.CommandLine;
using System.Text.Json;
using Sim.Alignment.Studies;
using Sim.Foundation;
using Spectre.Console;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align best-of-n</c>: the overoptimisation study on the synthetic testbed: a text reward ensemble learns
/// from noisy gold-labelled pairs, then best-of-n (n = 1 … max) under one member and under the ensemble's aggregations is
/// scored by the gold reward; writes the figure, the numbers and the reward models' run folder.</summary>
public static class AlignBestOfNCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var d = new OveroptimizationOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for overoptimization.png, overoptimization.json and runs/", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the corpus, models and samples", DefaultValueFactory = _ => d.Seed };
        var pairs = new Option<int>("--pairs") { Description = "Training pairs", DefaultValueFactory = _ => d.Pairs };
        var noise = new Option<double>("--noise") { Description = "Probability a training label is flipped", DefaultValueFactory = _ => d.LabelNoise };
        var members = new Option<int>("--members") { Description = "Ensemble members", DefaultValueFactory = _ => d.Members };
        var epochs = new Option<int>("--epochs") { Description = "Reward-model epochs", DefaultValueFactory = _ => d.Epochs };
        var prompts = new Option<int>("--prompts") { Description = "Prompts best-of-n is measured on", DefaultValueFactory = _ => d.Prompts };
        var samples = new Option<int>("--samples") { Description = "Base samples per prompt (N ≥ max n)", DefaultValueFactory = _ => d.SamplesPerPrompt };
        var maxN = new Option<int>("--max-n") { Description = "Largest n (powers of two up to it)", DefaultValueFactory = _ => d.MaxN };
        var command = new Command("best-of-n", "Overoptimisation study: gold and proxy reward of best-of-n against sqrt(KL), single reward model vs ensembles")
        {
            output, seed, pairs, noise, members, epochs, prompts, samples, maxN,
        };
        command.SetAction(parse => Run(parse.GetValue(output)!, d with
        {
            Seed = parse.GetValue(seed), Pairs = parse.GetValue(pairs), LabelNoise = parse.GetValue(noise), Members = parse.GetValue(members),
            Epochs = parse.GetValue(epochs), Prompts = parse.GetValue(prompts), SamplesPerPrompt = parse.GetValue(samples), MaxN = parse.GetValue(maxN),
        }));
        return command;
    }

    static int Run(DirectoryInfo folder, OveroptimizationOptions options)
    {
        options.Validate();
        OutputPath.RequireWritableFolder("--out", folder);
        Directory.CreateDirectory(folder.FullName);
        var curves = OveroptimizationStudy.Run(options, Path.Combine(folder.FullName, "runs"), line => AnsiConsole.MarkupLine(Markup.Escape(line)));
        string figure = Path.Combine(folder.FullName, "overoptimization.png");
        OveroptimizationPlot.Write(figure, curves, $"best-of-n, {options.LabelNoise:P0} label noise");
        AtomicFile.WriteAllText(Path.Combine(folder.FullName, "overoptimization.json"),
            JsonSerializer.Serialize(new { options, curves }, new JsonSerializerOptions { WriteIndented = true }));
        var table = new Table().AddColumns("proxy", "held-out acc.", "gold n=1", "gold best", "at n", $"gold n={curves[0].Points[^1].N}");
        foreach (var curve in curves)
        {
            var best = curve.Points.MaxBy(p => p.Gold)!;
            table.AddRow(Markup.Escape(curve.Proxy), $"{curve.HeldOutAccuracy:F3}", $"{curve.Points[0].Gold:F3}", $"{best.Gold:F3}", $"{best.N}", $"{curve.Points[^1].Gold:F3}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(figure)}[/]");
        return 0;
    }
}
