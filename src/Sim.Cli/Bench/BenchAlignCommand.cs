using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Learning.Training;
using Spectre.Console;

namespace Sim.Cli.Bench;

/// <summary><c>sim bench align</c>: tokens/s of SFT training and of sampling with and without the KV cache, on a
/// randomly initialised model of a given shape (speed does not depend on what the weights learned).</summary>
public static class BenchAlignCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var width = new Option<int>("--width") { Description = "Transformer width", DefaultValueFactory = _ => 128 };
        var layers = new Option<int>("--layers") { Description = "Transformer blocks", DefaultValueFactory = _ => 4 };
        var heads = new Option<int>("--heads") { Description = "Attention heads", DefaultValueFactory = _ => 4 };
        var context = new Option<int>("--context") { Description = "Context length", DefaultValueFactory = _ => 512 };
        var batch = new Option<int>("--batch") { Description = "Sequences per batch, in training and sampling", DefaultValueFactory = _ => 8 };
        var prompt = new Option<int>("--prompt") { Description = "Prompt tokens", DefaultValueFactory = _ => 16 };
        var sftLength = new Option<int>("--sft-completion") { Description = "Completion tokens of the SFT examples", DefaultValueFactory = _ => 112 };
        var sftSteps = new Option<int>("--sft-steps") { Description = "SFT steps timed (after 2 untimed)", DefaultValueFactory = _ => 10 };
        var lengths = new Option<int[]>("--lengths") { Description = "Completion lengths to sample", DefaultValueFactory = _ => [32, 128, 384], AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int?>("--torch-threads") { Description = "CPU threads torch may use (default: up to 2)" };
        var command = new Command("align", "Measure tokens/s of SFT and of sampling with and without the KV cache")
        {
            width, layers, heads, context, batch, prompt, sftLength, sftSteps, lengths, threads,
        };
        command.SetAction(parse => Run(
            new TransformerConfig { VocabularySize = BpeTokenizer.FirstMergeId, ContextLength = parse.GetValue(context), Width = parse.GetValue(width), Layers = parse.GetValue(layers), Heads = parse.GetValue(heads) },
            parse.GetValue(batch), parse.GetValue(prompt), parse.GetValue(sftLength), parse.GetValue(sftSteps), parse.GetValue(lengths)!, parse.GetValue(threads)));
        return command;
    }

    static int Run(TransformerConfig shape, int batch, int prompt, int sftCompletion, int sftSteps, int[] lengths, int? threads)
    {
        try
        {
            shape.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"--context/--width/--layers/--heads: {e.Message.Split(" (Parameter")[0]}", e);
        }
        if (batch < 1) throw new ArgumentException($"--batch = {batch}: expected at least 1");
        if (prompt < 0) throw new ArgumentException($"--prompt = {prompt}: expected at least 0 tokens");
        if (sftSteps < 1) throw new ArgumentException($"--sft-steps = {sftSteps}: expected at least 1");
        if (prompt + sftCompletion + 2 > shape.ContextLength || sftCompletion < 1)
            throw new ArgumentException($"--sft-completion = {sftCompletion}: expected 1 to {shape.ContextLength - prompt - 2} tokens, so that --prompt {prompt} + completion + BOS and EOS fit --context {shape.ContextLength}");
        foreach (int length in lengths)
            if (length < 1 || prompt + 1 + length > shape.ContextLength)
                throw new ArgumentException($"--lengths {length}: expected 1 to {shape.ContextLength - prompt - 1} tokens, so that --prompt {prompt} + BOS + completion fit --context {shape.ContextLength}");
        if (threads is < 1) throw new ArgumentException($"--torch-threads = {threads}: expected at least 1");
        TorchSharp.torch.set_num_threads(threads ?? Math.Min(Environment.ProcessorCount, 2));

        // A tokenizer without merges: 259 ids, and random byte ids as data.
        var tokenizer = new BpeTokenizer([]);
        var random = new Random(1);
        int[] Ids(int count) => Enumerable.Range(0, count).Select(_ => random.Next(BpeTokenizer.FirstByteId, BpeTokenizer.FirstMergeId)).ToArray();
        AnsiConsole.MarkupLine($"[grey]{Environment.ProcessorCount} cores, {TorchSharp.torch.get_num_threads()} torch threads; width {shape.Width}, {shape.Layers} layers, {shape.Heads} heads, context {shape.ContextLength}, batch {batch}, prompts of {prompt} tokens[/]");

        var sftConfig = new SftConfig { BatchSize = batch, Epochs = 1000, LogEvery = int.MaxValue, EvalEvery = int.MaxValue, Model = shape };
        var examples = Enumerable.Range(0, batch * 4).Select(_ => new TokenizedCompletion(Ids(prompt), Ids(sftCompletion))).ToList();
        double sftTokensPerSecond;
        using (var trainer = new SftTrainer(sftConfig, tokenizer, SftTrainer.CreateModel(sftConfig, tokenizer), examples))
        {
            var sink = new DiscardingSink();
            for (int i = 0; i < 2; i++) trainer.RunChunk(sink);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < sftSteps; i++) trainer.RunChunk(sink);
            sftTokensPerSecond = sftSteps * batch * (prompt + sftCompletion + 2.0) / clock.Elapsed.TotalSeconds;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("measure", "tokens/s", "with cache ÷ without");
        table.AddRow($"SFT ({prompt} + {sftCompletion} tokens, batch {batch})", Format(sftTokensPerSecond), "");
        using var model = SftTrainer.CreateModel(sftConfig, tokenizer);
        model.eval();
        var prompts = Enumerable.Range(0, batch).Select(_ => Ids(prompt)).ToList();
        CompletionGenerator.Generate(model, prompts, new SamplingOptions { MaxNewTokens = 4 });
        foreach (int length in lengths)
        {
            double cached = Sample(model, prompts, length, useCache: true);
            double uncached = Sample(model, prompts, length, useCache: false);
            table.AddRow($"sampling {length} tokens, KV cache", Format(cached), string.Create(CultureInfo.InvariantCulture, $"{cached / uncached:0.0}×"));
            table.AddRow($"sampling {length} tokens, no cache", Format(uncached), "");
        }
        AnsiConsole.Write(table);
        return 0;
    }

    // Positions decoded per second: every row is decoded at every step until the last row ends (rows that drew EOS
    // earlier still ride along in the batch), so that is the work done whichever rows stopped.
    static double Sample(CausalTransformer model, IReadOnlyList<int[]> prompts, int length, bool useCache)
    {
        var clock = Stopwatch.StartNew();
        var completions = CompletionGenerator.Generate(model, prompts, new SamplingOptions { MaxNewTokens = length, Seed = 1, UseKvCache = useCache });
        double seconds = clock.Elapsed.TotalSeconds;
        int steps = Math.Min(length, completions.Max(c => c.Length) + 1);
        return (double)steps * prompts.Count / seconds;
    }

    static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Drops the timed steps' metrics: only the time they take matters here.</summary>
    private sealed class DiscardingSink : IMetricSink
    {
        public void Log(string tag, double value, long step)
        {
        }
    }
}
