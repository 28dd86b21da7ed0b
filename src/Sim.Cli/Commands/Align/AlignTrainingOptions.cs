using System.CommandLine;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;

namespace Sim.Cli.Commands.Align;

/// <summary>The options <c>sim align sft</c> and <c>sim align reward</c> share: data, run folder, model shape,
/// optimiser, budget, device, and resuming.</summary>
public sealed class AlignTrainingOptions
{
    private readonly Option<FileInfo?> _data = new("--data") { Description = "Training data, JSON lines in TRL's format" };
    private readonly Option<FileInfo?> _eval = new("--eval") { Description = "Held-out data in the same format" };
    private readonly Option<DirectoryInfo> _runs = new("--runs") { Description = "Where the run folder is made", DefaultValueFactory = _ => new DirectoryInfo("runs") };
    private readonly Option<DirectoryInfo?> _resume = new("--resume") { Description = "Continue this run folder from its newest checkpoint (its config.json and data)" };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Seed of weights and data order", DefaultValueFactory = _ => 1 };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Passes over the data" };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = "Examples (pairs) per step" };
    private readonly Option<double?> _learningRate = new("--lr") { Description = "Adam learning rate" };
    private readonly Option<int> _context = new("--context") { Description = "Longest sequence in tokens, BOS and EOS included", DefaultValueFactory = _ => 128 };
    private readonly Option<int?> _width = new("--width") { Description = "Transformer width" };
    private readonly Option<int?> _layers = new("--layers") { Description = "Transformer blocks" };
    private readonly Option<int> _heads = new("--heads") { Description = "Attention heads", DefaultValueFactory = _ => 4 };
    private readonly Option<int> _vocabulary = new("--vocab") { Description = "Ids of the BPE tokenizer learned from the data", DefaultValueFactory = _ => 512 };
    private readonly Option<FileInfo?> _initFrom = new("--init-from") { Description = "Start from this model.bin (its run's tokenizer.json is used)" };
    private readonly Option<string> _device = new("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
    private readonly Option<int?> _torchThreads = new("--torch-threads") { Description = "CPU threads torch may use (default: up to 2)" };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _data, _eval, _runs, _resume, _seed, _epochs, _batchSize, _learningRate, _context, _width, _layers, _heads, _vocabulary, _initFrom, _device, _torchThreads })
            command.Options.Add(option);
    }

    /// <summary>With <c>--resume</c>: rebuilds the run's trainer with <paramref name="build"/> from its config.json and
    /// tokenizer.json, trains it on from its newest checkpoint and returns true; without it, returns false.</summary>
    public bool TryResume<TConfig>(ParseResult parse, Func<TConfig, BpeTokenizer, AlignmentTrainer<TConfig>> build, string output)
        where TConfig : AlignmentConfig
    {
        if (parse.GetValue(_resume) is not DirectoryInfo folder) return false;
        if (ShapeOptionsGiven(parse).FirstOrDefault() is string given)
            throw new ArgumentException($"{given} with --resume: a resumed run keeps the settings in its config.json");
        var run = Learning.Runs.RunDirectory.Open(folder.FullName);
        var config = run.LoadConfig<TConfig>();
        var tokenizer = BpeTokenizer.Load(Path.Combine(run.Path, BpeTokenizer.FileName));
        using var trainer = build(config, tokenizer);
        AlignProgress.Train(trainer, run, resume: true, $"resuming {run.Name}", output);
        return true;
    }

    /// <summary>The tokenizer of a new run: the one beside <c>--init-from</c>'s model, or a BPE learned from <paramref name="data"/>.</summary>
    public BpeTokenizer NewTokenizer(ParseResult parse, FileInfo data, bool preferences) => InitFrom(parse) is FileInfo init
        ? TokenizerBeside(init)
        : BpeTrainer.Train(TokenizedDataset.Texts(data.FullName, preferences), Vocabulary(parse));

    /// <summary>The runs root.</summary>
    public DirectoryInfo Runs(ParseResult parse) => parse.GetValue(_runs)!;

    /// <summary>The JSONL training data of a new run.</summary>
    public FileInfo Data(ParseResult parse) => parse.GetValue(_data) ?? throw new ArgumentException("--data is missing: expected the JSONL file to train on (or --resume RUN)");

    /// <summary>The held-out JSONL, or null.</summary>
    public FileInfo? Eval(ParseResult parse) => parse.GetValue(_eval);

    /// <summary>The model to start from, or null.</summary>
    public FileInfo? InitFrom(ParseResult parse) => parse.GetValue(_initFrom);

    /// <summary>The tokenizer vocabulary to learn.</summary>
    public int Vocabulary(ParseResult parse)
    {
        int vocabulary = parse.GetValue(_vocabulary);
        if (vocabulary < BpeTokenizer.FirstMergeId) throw new ArgumentException($"--vocab = {vocabulary}: expected at least {BpeTokenizer.FirstMergeId} (3 special tokens and 256 bytes)");
        return vocabulary;
    }

    /// <summary>Sets torch's thread count from <c>--torch-threads</c>.</summary>
    public void ApplyThreads(ParseResult parse)
    {
        int? threads = parse.GetValue(_torchThreads);
        if (threads is < 1) throw new ArgumentException($"--torch-threads = {threads}: expected at least 1");
        TorchSharp.torch.set_num_threads(threads ?? Math.Min(Environment.ProcessorCount, 2));
    }

    /// <summary>Options given that a resumed run would ignore, since it keeps its config.json.</summary>
    public IEnumerable<string> ShapeOptionsGiven(ParseResult parse) =>
        new Option[] { _data, _eval, _epochs, _batchSize, _learningRate, _width, _layers, _initFrom }.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name);

    /// <summary>The model shape from the options, over <paramref name="defaults"/>.</summary>
    public TransformerConfig Model(ParseResult parse, TransformerConfig defaults)
    {
        var config = defaults with
        {
            VocabularySize = Math.Max(defaults.VocabularySize, 4),
            ContextLength = parse.GetValue(_context),
            Width = parse.GetValue(_width) ?? defaults.Width,
            Layers = parse.GetValue(_layers) ?? defaults.Layers,
            Heads = parse.GetValue(_heads),
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"--context/--width/--layers/--heads: {e.Message.Split(" (Parameter")[0]}", e);
        }
        return config;
    }

    /// <summary>The shared fields of a new run's config from the options, over <paramref name="defaults"/>.</summary>
    public T Apply<T>(ParseResult parse, T defaults) where T : AlignmentConfig
    {
        var config = defaults with
        {
            Seed = parse.GetValue(_seed),
            Epochs = parse.GetValue(_epochs) ?? defaults.Epochs,
            BatchSize = parse.GetValue(_batchSize) ?? defaults.BatchSize,
            LearningRate = parse.GetValue(_learningRate) ?? defaults.LearningRate,
            Device = parse.GetValue(_device)!,
            TrainFile = Data(parse).FullName,
            EvalFile = Eval(parse)?.FullName,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch { "Epochs" => "--epochs", "BatchSize" => "--batch-size", "LearningRate" => "--lr", _ => e.ParamName ?? "option" };
            throw new ArgumentException($"{option}: {e.Message.Split(" (Parameter")[0]}", e);
        }
        return config;
    }

    /// <summary>The tokenizer saved in the run folder of <paramref name="model"/>.</summary>
    public static BpeTokenizer TokenizerBeside(FileInfo model)
    {
        string path = Path.Combine(model.DirectoryName ?? ".", BpeTokenizer.FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"model '{model.FullName}' has no {BpeTokenizer.FileName} beside it: expected the run folder the model was trained in (or give --tokenizer)", path);
        return BpeTokenizer.Load(path);
    }
}
