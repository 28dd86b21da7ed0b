using System.CommandLine;
using System.Text.Json;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align sample</c>: completions of prompts from a trained model, one <c>{"prompt","completion"}</c> JSON
/// line each on standard output.</summary>
public static class AlignSampleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A model.bin written by sim align sft", Required = true };
        var tokenizer = new Option<FileInfo?>("--tokenizer") { Description = "Its tokenizer.json (default: the one beside the model)" };
        var prompts = new Option<string[]>("--prompt") { Description = "A prompt (repeatable)", AllowMultipleArgumentsPerToken = false };
        var promptFile = new Option<FileInfo?>("--prompts") { Description = "A text file with one prompt per line" };
        var samples = new Option<int>("--n") { Description = "Completions per prompt", DefaultValueFactory = _ => 1 };
        var temperature = new Option<double>("--temperature") { Description = "0 is greedy", DefaultValueFactory = _ => 1 };
        var topK = new Option<int>("--top-k") { Description = "Keep the k most likely tokens (0: all)", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Keep the most likely tokens up to this probability mass", DefaultValueFactory = _ => 1 };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens per completion", DefaultValueFactory = _ => 64 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the draws", DefaultValueFactory = _ => 1 };
        var noCache = new Option<bool>("--no-kv-cache") { Description = "Recompute the whole sequence for every token (slower; same samples)" };
        var command = new Command("sample", "Sample completions from a trained model as {\"prompt\",\"completion\"} JSON lines")
        {
            model, tokenizer, prompts, promptFile, samples, temperature, topK, topP, maxNew, seed, noCache,
        };
        command.SetAction(parse =>
        {
            var options = new SamplingOptions
            {
                Temperature = parse.GetValue(temperature), TopK = parse.GetValue(topK), TopP = parse.GetValue(topP),
                MaxNewTokens = parse.GetValue(maxNew), Seed = parse.GetValue(seed), UseKvCache = !parse.GetValue(noCache),
            };
            return Run(parse.GetValue(model)!, parse.GetValue(tokenizer), parse.GetValue(prompts) ?? [], parse.GetValue(promptFile), parse.GetValue(samples), options);
        });
        return command;
    }

    static int Run(FileInfo modelFile, FileInfo? tokenizerFile, string[] prompts, FileInfo? promptFile, int samples, SamplingOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch { "Temperature" => "--temperature", "TopK" => "--top-k", "TopP" => "--top-p", _ => "--max-new-tokens" };
            throw new ArgumentException($"{option}: {e.Message.Split(" (Parameter")[0]}", e);
        }
        if (samples < 1) throw new ArgumentException($"--n = {samples}: expected at least 1");
        var all = prompts.ToList();
        if (promptFile is not null)
        {
            if (!promptFile.Exists) throw new FileNotFoundException($"--prompts '{promptFile.FullName}' does not exist", promptFile.FullName);
            all.AddRange(File.ReadLines(promptFile.FullName).Where(l => l.Length > 0));
        }
        if (all.Count == 0) throw new ArgumentException("no prompts: expected --prompt TEXT (repeatable) or --prompts FILE");
        var tokenizer = tokenizerFile is null ? AlignTrainingOptions.TokenizerBeside(modelFile) : BpeTokenizer.Load(tokenizerFile.FullName);
        using var model = LanguageModelFile.Load(modelFile.FullName, tokenizer);
        model.eval();
        var encoded = all.SelectMany(p => Enumerable.Repeat(tokenizer.Encode(p), samples)).ToList();
        for (int i = 0; i < encoded.Count; i++)
        {
            if (encoded[i].Length + 1 >= model.Config.ContextLength)
                throw new ArgumentException(
                    $"prompt {i / samples + 1} (\"{Shorten(all[i / samples])}\") is {encoded[i].Length} tokens (+ BOS): longer than the model's context of {model.Config.ContextLength} allows, which must leave room for a completion");
        }
        var completions = CompletionGenerator.Generate(model, encoded, options);
        for (int i = 0; i < completions.Length; i++)
            Console.Out.WriteLine(JsonSerializer.Serialize(new SampleLine(all[i / samples], tokenizer.Decode(completions[i]))));
        return 0;
    }

    static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "…";

#pragma warning disable IDE1006 // TRL's field names
    private sealed record SampleLine(string prompt, string completion);
#pragma warning restore IDE1006
}
