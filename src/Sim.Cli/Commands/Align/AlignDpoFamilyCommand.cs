using System.CommandLine;
using System.Text.Json;
using Sim.Alignment.Studies;
using Sim.Foundation;
using Spectre.Console;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align dpo-family</c>: SFT on the synthetic corpus, then each DPO-family variant and KTO from it on
/// gold-labelled pairs; reports each policy's gold reward, win rate against SFT and KL to SFT, and writes
/// <c>dpo_family.png</c>, <c>dpo_family.json</c> and every run folder.</summary>
public static class AlignDpoFamilyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for dpo_family.png, dpo_family.json and runs/", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the corpus, models and samples", DefaultValueFactory = _ => 1 };
        var completions = new Option<int>("--completions") { Description = "SFT lines", DefaultValueFactory = _ => 3000 };
        var pairs = new Option<int>("--pairs") { Description = "Preference pairs", DefaultValueFactory = _ => 1000 };
        var noise = new Option<double>("--noise") { Description = "Probability a label is flipped", DefaultValueFactory = _ => 0 };
        var prompts = new Option<int>("--prompts") { Description = "Fresh prompts the policies are compared on", DefaultValueFactory = _ => 256 };
        var sft = new Option<DirectoryInfo?>("--sft") { Description = "An SFT run folder to start from instead of training one" };
        var command = new Command("dpo-family", "DPO, cDPO, hinge, IPO, SimPO and KTO against SFT: gold reward, win rate, KL")
        {
            output, seed, completions, pairs, noise, prompts, sft,
        };
        command.SetAction(parse => Run(parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(completions), parse.GetValue(pairs),
            parse.GetValue(noise), parse.GetValue(prompts), parse.GetValue(sft)));
        return command;
    }

    static int Run(DirectoryInfo folder, ulong seed, int completions, int pairs, double noise, int prompts, DirectoryInfo? sft)
    {
        if (completions < 1) throw new ArgumentException($"--completions = {completions}: expected at least 1");
        if (pairs < 2) throw new ArgumentException($"--pairs = {pairs}: expected at least 2");
        if (!(noise >= 0 && noise <= 0.5)) throw new ArgumentException($"--noise = {noise}: expected a flip probability in [0, 0.5]");
        if (prompts < 1) throw new ArgumentException($"--prompts = {prompts}: expected at least 1");
        OutputPath.RequireWritableFolder("--out", folder);
        Directory.CreateDirectory(folder.FullName);
        var outcomes = DpoFamilyStudy.Run(seed, completions, pairs, noise, prompts, Path.Combine(folder.FullName, "runs"),
            line => AnsiConsole.MarkupLine(Markup.Escape(line)), sft?.FullName);
        string figure = Path.Combine(folder.FullName, "dpo_family.png");
        OutcomeBarPlot.Write(figure, $"policies vs their SFT start, {prompts} prompts", outcomes.Select(o => o.Method).ToList(),
            [("gold reward", outcomes.Select(o => o.GoldReward).ToArray()), ("win rate vs SFT", outcomes.Select(o => o.WinRate).ToArray())],
            0.5, "win rate of a tie");
        AtomicFile.WriteAllText(Path.Combine(folder.FullName, "dpo_family.json"),
            JsonSerializer.Serialize(new { seed, completions, pairs, noise, prompts, outcomes }, new JsonSerializerOptions { WriteIndented = true }));
        var table = new Table().AddColumns("method", "gold reward", "win rate vs SFT", "KL to SFT (nats)");
        foreach (var o in outcomes) table.AddRow(Markup.Escape(o.Method), $"{o.GoldReward:F3}", $"{o.WinRate:F3}", $"{o.KlToReference:F2}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(figure)}[/]");
        return 0;
    }
}
