using System.CommandLine;
using Sim.Alignment.Corpus;
using Spectre.Console;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align corpus</c>: writes the synthetic testbed's datasets (SFT lines, gold-labelled preference pairs
/// with optional label noise, clean held-out pairs, KTO lines) in TRL's JSON-lines formats.</summary>
public static class AlignCorpusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new CorpusOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the .jsonl files into", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every draw", DefaultValueFactory = _ => defaults.Seed };
        var completions = new Option<int>("--completions") { Description = "Prompt-completion lines for SFT", DefaultValueFactory = _ => defaults.Completions };
        var pairs = new Option<int>("--pairs") { Description = "Training preference pairs", DefaultValueFactory = _ => defaults.Pairs };
        var heldOut = new Option<int>("--held-out") { Description = "Held-out preference pairs (labelled without noise)", DefaultValueFactory = _ => defaults.HeldOutPairs };
        var noise = new Option<double>("--noise") { Description = "Probability that a training label is flipped (Coste et al.: 0.25)", DefaultValueFactory = _ => defaults.LabelNoise };
        var command = new Command("corpus", "Write the synthetic corpus: sft.jsonl, preferences.jsonl, preferences_test.jsonl, kto.jsonl")
        {
            output, seed, completions, pairs, heldOut, noise,
        };
        command.SetAction(parse => Write(parse.GetValue(output)!, new CorpusOptions
        {
            Seed = parse.GetValue(seed),
            Completions = parse.GetValue(completions),
            Pairs = parse.GetValue(pairs),
            HeldOutPairs = parse.GetValue(heldOut),
            LabelNoise = parse.GetValue(noise),
        }));
        return command;
    }

    static int Write(DirectoryInfo folder, CorpusOptions options)
    {
        // Checked before the folder is touched; the messages name the field (Pairs for --pairs, LabelNoise for --noise).
        options.Validate();
        OutputPath.RequireWritableFolder("--out", folder);
        foreach (var path in CorpusFolder.Write(folder.FullName, options))
            AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(path)}[/]");
        return 0;
    }
}
