using System.CommandLine;
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
        var seeds = new Option<ulong[]>("--seeds") { Description = "Run once per seed and average the curves over them (instead of --seed)", AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
        var maxClauses = new Option<int>("--max-clauses") { Description = "Most clauses of a base sample best-of-n chooses from (the training pairs keep the language's own)", DefaultValueFactory = _ => d.BaseMaxClauses };
        var pairs = new Option<int>("--pairs") { Description = "Training pairs", DefaultValueFactory = _ => d.Pairs };
        var noise = new Option<double>("--noise") { Description = "Probability a training label is flipped", DefaultValueFactory = _ => d.LabelNoise };
        var members = new Option<int>("--members") { Description = "Ensemble members", DefaultValueFactory = _ => d.Members };
        var epochs = new Option<int>("--epochs") { Description = "Reward-model epochs", DefaultValueFactory = _ => d.Epochs };
        var prompts = new Option<int>("--prompts") { Description = "Prompts best-of-n is measured on", DefaultValueFactory = _ => d.Prompts };
        var samples = new Option<int>("--samples") { Description = "Base samples per prompt (N ≥ max n)", DefaultValueFactory = _ => d.SamplesPerPrompt };
        var maxN = new Option<int>("--max-n") { Description = "Largest n (powers of two up to it)", DefaultValueFactory = _ => d.MaxN };
        var sampling = MemberSamplingOption.Create();
        var shapes = MemberShapesOption.Create();
        var start = new Option<string>("--member-start")
        {
            Description = "Where the members start: fresh (random weights), sft (one language model trained on the corpus, for all: a fine-tune ensemble) or sft-per-member (one each, from its own seed: a pretrain ensemble)",
            DefaultValueFactory = _ => "fresh",
        };
        var sftEpochs = new Option<int>("--sft-epochs") { Description = "Epochs of each SFT model the members start from", DefaultValueFactory = _ => d.SftEpochs };
        var merge = new Option<DirectoryInfo[]>("--merge")
        {
            Description = "Instead of running, merge the studies in these folders (same options, different seeds) into --out: their mean curves, figure and table",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("best-of-n", "Overoptimisation study: gold and proxy reward of best-of-n against sqrt(KL), single reward model vs ensembles")
        {
            output, seed, seeds, pairs, noise, members, epochs, prompts, samples, maxN, maxClauses, sampling, shapes, start, sftEpochs, merge,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(merge) is { Length: > 0 } folders)
            {
                var ignored = command.Options.Where(o => o != merge && o != output && parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (ignored.Count > 0)
                    throw new ArgumentException($"{string.Join(", ", ignored)} with --merge: the merged studies keep the options they were run with");
                return Merge(parse.GetValue(output)!, folders);
            }
            int memberCount = parse.GetValue(members);
            var options = d with
            {
                Seed = parse.GetValue(seed), Pairs = parse.GetValue(pairs), LabelNoise = parse.GetValue(noise), Members = memberCount,
                Epochs = parse.GetValue(epochs), Prompts = parse.GetValue(prompts), SamplesPerPrompt = parse.GetValue(samples), MaxN = parse.GetValue(maxN),
                BaseMaxClauses = parse.GetValue(maxClauses), Sampling = MemberSamplingOption.Parse(parse.GetValue(sampling)!),
                MemberModels = MemberShapesOption.Parse(parse.GetValue(shapes), d.Model, memberCount),
                Start = parse.GetValue(start) switch
                {
                    "fresh" => MemberStart.Fresh,
                    "sft" => MemberStart.SharedSft,
                    "sft-per-member" => MemberStart.OwnSft,
                    var other => throw new ArgumentException($"--member-start '{other}': expected fresh, sft or sft-per-member"),
                },
                SftEpochs = parse.GetValue(sftEpochs),
            };
            // An absent --seeds parses as no seeds (the parser itself refuses --seeds without values).
            var seedList = parse.GetValue(seeds) is { Length: > 0 } given ? given : [options.Seed];
            if (seedList.Distinct().Count() != seedList.Length)
                throw new ArgumentException($"--seeds = {string.Join(" ", seedList)}: expected each seed once");
            return Run(parse.GetValue(output)!, options, seedList);
        });
        return command;
    }

    static int Run(DirectoryInfo folder, OveroptimizationOptions options, ulong[] seeds)
    {
        options.Validate();
        OutputPath.RequireWritableFolder("--out", folder);
        Directory.CreateDirectory(folder.FullName);
        var perSeed = new List<SeedCurves>();
        foreach (ulong s in seeds)
        {
            AnsiConsole.MarkupLine($"[bold]seed {s}[/]");
            var curves = OveroptimizationStudy.Run(options with { Seed = s }, Path.Combine(folder.FullName, "runs"), line => AnsiConsole.MarkupLine(Markup.Escape(line)));
            perSeed.Add(new SeedCurves(s, curves));
        }
        return Report(folder, OveroptimizationResult.Of(options, perSeed));
    }

    static int Merge(DirectoryInfo folder, DirectoryInfo[] studies)
    {
        var results = studies.Select(study => OveroptimizationResult.Load(Path.Combine(study.FullName, OveroptimizationResult.FileName))).ToList();
        var merged = OveroptimizationResult.Merge(results);
        OutputPath.RequireWritableFolder("--out", folder);
        Directory.CreateDirectory(folder.FullName);
        AnsiConsole.MarkupLine($"merged {studies.Length} studies: seeds {string.Join(" ", merged.Seeds)}");
        return Report(folder, merged);
    }

    // Writes the figures (the mean, and each seed's when there are several), the JSON and the table of a study's result.
    static int Report(DirectoryInfo folder, OveroptimizationResult result)
    {
        var options = result.Options;
        string title = $"best-of-n, {options.Pairs} pairs, {options.LabelNoise:P0} label noise";
        if (result.PerSeed.Count > 1)
            foreach (var seed in result.PerSeed)
                OveroptimizationPlot.Write(Path.Combine(folder.FullName, $"overoptimization_seed{seed.Seed}.png"), MainCurves(seed.Curves), $"{title}, seed {seed.Seed}");
        var mean = result.Mean;
        string figure = Path.Combine(folder.FullName, "overoptimization.png");
        OveroptimizationPlot.Write(figure, MainCurves(mean), result.PerSeed.Count > 1 ? $"{title}, mean of {result.PerSeed.Count} seeds" : title);
        result.Save(Path.Combine(folder.FullName, OveroptimizationResult.FileName));
        var table = new Table().AddColumns("proxy", "held-out acc.", "gold n=1", "gold best", "at n", $"gold n={mean[0].Points[^1].N}", "fall from best (± s.e. over seeds)", "seeds where it falls");
        for (int i = 0; i < mean.Count; i++)
        {
            var curve = mean[i];
            var best = curve.Points.MaxBy(p => p.Gold)!;
            // A fall smaller than the estimator's rounding is not a fall.
            int falling = result.PerSeed.Count(p => p.Curves[i].GoldFallFromPeak > 1e-9);
            table.AddRow(Markup.Escape(curve.Proxy), $"{curve.HeldOutAccuracy:F3}", $"{curve.Points[0].Gold:F3}", $"{best.Gold:F3}", $"{best.N}",
                $"{curve.Points[^1].Gold:F3}", result.FallStandardError(i) is double se ? $"{curve.GoldFallFromPeak:F3} ± {se:F3}" : $"{curve.GoldFallFromPeak:F3}",
                $"{falling} of {result.PerSeed.Count}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(figure)}[/]");
        return 0;
    }

    // The figure shows the single model and the ensemble's aggregations; each member's own curve is in the JSON.
    static IReadOnlyList<ProxyCurve> MainCurves(IReadOnlyList<ProxyCurve> curves) => curves.Take(4).ToList();
}
