using System.CommandLine;
using System.Text.Json;
using Sim.Alignment.Studies;
using Sim.Foundation;
using Spectre.Console;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align gpm</c>: GPM against Bradley–Terry on cyclic preferences over text (A ≻ B ≻ C ≻ A), with a
/// Bradley–Terry control on the cycle broken; held-out accuracy and mean probability of the preferred side; writes
/// <c>gpm.png</c> and <c>gpm.json</c>.</summary>
public static class AlignGpmCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for gpm.png and gpm.json", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the pairs and models", DefaultValueFactory = _ => 1 };
        var pairs = new Option<int>("--pairs") { Description = "Training pairs (and as many held out)", DefaultValueFactory = _ => 600 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs of each model", DefaultValueFactory = _ => 30 };
        var dimensions = new Option<int>("--dimensions") { Description = "Width 2k of GPM's preference embedding (even)", DefaultValueFactory = _ => 2 };
        var command = new Command("gpm", "GPM vs Bradley-Terry on cyclic preferences (A > B > C > A) over text") { output, seed, pairs, epochs, dimensions };
        command.SetAction(parse => Run(parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(pairs), parse.GetValue(epochs), parse.GetValue(dimensions)));
        return command;
    }

    static int Run(DirectoryInfo folder, ulong seed, int pairs, int epochs, int dimensions)
    {
        if (dimensions < 2 || dimensions % 2 != 0) throw new ArgumentException($"--dimensions = {dimensions}: expected an even embedding width ≥ 2");
        if (pairs < 3) throw new ArgumentException($"--pairs = {pairs}: expected at least 3");
        if (epochs < 1) throw new ArgumentException($"--epochs = {epochs}: expected at least 1");
        OutputPath.RequireWritableFolder("--out", folder);
        Directory.CreateDirectory(folder.FullName);
        var outcomes = CyclicPreferenceStudy.Run(seed, pairs, epochs, line => AnsiConsole.MarkupLine(Markup.Escape(line)), dimensions);
        string figure = Path.Combine(folder.FullName, "gpm.png");
        OutcomeBarPlot.Write(figure, $"cyclic preferences over text, {pairs} held-out pairs", outcomes.Select(o => o.Model).ToList(),
            [("held-out accuracy (strict)", outcomes.Select(o => o.HeldOutAccuracy).ToArray()), ("mean P(preferred)", outcomes.Select(o => o.MeanPreferredProbability).ToArray())],
            0.5, "chance");
        AtomicFile.WriteAllText(Path.Combine(folder.FullName, "gpm.json"), JsonSerializer.Serialize(new { seed, pairs, epochs, dimensions, outcomes }, new JsonSerializerOptions { WriteIndented = true }));
        var table = new Table().AddColumns("model", "held-out accuracy", "held-out loss", "mean P(preferred)");
        foreach (var o in outcomes) table.AddRow(Markup.Escape(o.Model), $"{o.HeldOutAccuracy:F3}", $"{o.HeldOutLoss:F3}", $"{o.MeanPreferredProbability:F3}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(figure)}[/]");
        return 0;
    }
}
