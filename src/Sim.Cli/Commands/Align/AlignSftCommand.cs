using System.CommandLine;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Learning.Runs;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align sft</c>: supervised fine-tuning of a small transformer on <c>{"prompt","completion"}</c> lines,
/// with the loss on completions only.</summary>
public static class AlignSftCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new AlignTrainingOptions();
        var command = new Command("sft", "Supervised fine-tuning on {\"prompt\",\"completion\"} JSON lines (loss on completions only)");
        options.AddTo(command);
        command.SetAction(parse => Run(parse, options));
        return command;
    }

    static int Run(ParseResult parse, AlignTrainingOptions options)
    {
        options.ApplyThreads(parse);
        if (options.TryResume<SftConfig>(parse, Build, SftTrainer.ModelFileName)) return 0;

        var data = options.Data(parse);
        OutputPath.RequireWritableFolder("--runs", options.Runs(parse));
        var init = options.InitFrom(parse);
        var newTokenizer = options.NewTokenizer(parse, data, preferences: false);
        var defaults = new SftConfig();
        var fresh = options.Apply(parse, defaults) with
        {
            Model = options.Model(parse, defaults.Model),
            InitFrom = init?.FullName,
            TokenizerVocabulary = options.Vocabulary(parse),
        };
        using var newTrainer = Build(fresh, newTokenizer);
        var newRun = newTrainer.CreateRun(options.Runs(parse).FullName, RunNamePart(data));
        AlignProgress.Train(newTrainer, newRun, resume: false,
            $"{newTrainer.TotalSteps:N0} steps on {data.Name} · {newTokenizer.VocabularySize} tokens · {newTrainer.Model.parameters().Sum(p => p.numel()):N0} weights",
            SftTrainer.ModelFileName);
        return 0;
    }

    // Reads and checks everything a run needs before its folder exists.
    static SftTrainer Build(SftConfig config, BpeTokenizer tokenizer)
    {
        var model = SftTrainer.CreateModel(config, tokenizer);
        try
        {
            int context = model.Config.ContextLength;
            var train = TokenizedDataset.ReadCompletions(config.TrainFile!, tokenizer, context);
            var eval = config.EvalFile is null ? null : TokenizedDataset.ReadCompletions(config.EvalFile, tokenizer, context);
            return new SftTrainer(config, tokenizer, model, train, eval);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The data file's name as the first part of a run folder name: letters, digits, '.', '-' and '_' only.</summary>
    public static string RunNamePart(FileInfo data)
    {
        var name = new string(Path.GetFileNameWithoutExtension(data.Name).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-').ToArray()).Trim('-', '.');
        return name.Length == 0 ? "data" : name[..Math.Min(name.Length, RunName.MaxPartLength)];
    }
}
