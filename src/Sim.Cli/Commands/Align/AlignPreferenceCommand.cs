using System.CommandLine;
using Sim.Alignment.Corpus;
using Sim.Alignment.Dpo;
using Sim.Alignment.Kto;
using Sim.Alignment.Losses;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Learning.Runs;
using Spectre.Console;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align dpo</c> and <c>sim align kto</c>: train a policy from an SFT run on a TRL-format JSONL
/// (preference pairs for DPO, unpaired lines for KTO), in a run folder like <c>sim train</c>'s.</summary>
public static class AlignPreferenceCommand
{
    /// <summary>Builds <c>sim align dpo</c>.</summary>
    public static Command CreateDpo()
    {
        var common = new CommonOptions();
        var variant = new Option<DpoVariant>("--loss") { Description = "Sigmoid, Conservative (cDPO), Hinge, Ipo or SimPo", DefaultValueFactory = _ => DpoVariant.Sigmoid };
        var beta = new Option<double>("--beta") { Description = "β (TRL: 0.1; SimPO: 2)", DefaultValueFactory = _ => 0.1 };
        var smoothing = new Option<double>("--label-smoothing") { Description = "ε of cDPO (and SimPO)", DefaultValueFactory = _ => 0 };
        var gamma = new Option<double>("--simpo-gamma") { Description = "SimPO's target margin γ", DefaultValueFactory = _ => 0.5 };
        var command = new Command("dpo", "Train a policy from an SFT run on {\"prompt\",\"chosen\",\"rejected\"} lines with a DPO-family loss") { variant, beta, smoothing, gamma };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var (sft, tokenizer) = common.OpenSft(parse);
            var config = common.Apply(parse, new DpoConfig
            {
                Variant = parse.GetValue(variant), Beta = parse.GetValue(beta), LabelSmoothing = parse.GetValue(smoothing), SimPoGamma = parse.GetValue(gamma),
                InitFrom = sft,
            });
            config.Validate();
            int context = SftContext(sft);
            var train = TokenizedDataset.ReadPreferences(config.TrainFile!, tokenizer, context);
            var eval = config.EvalFile is null ? null : TokenizedDataset.ReadPreferences(config.EvalFile, tokenizer, context);
            common.CheckRuns(parse);
            var (policy, reference) = DpoTrainer.LoadModels(config, tokenizer);
            using var trainer = new DpoTrainer(config, tokenizer, policy, reference, train, eval);
            reference?.Dispose();
            return common.Train(parse, trainer);
        });
        return command;
    }

    /// <summary>Builds <c>sim align kto</c>.</summary>
    public static Command CreateKto()
    {
        var common = new CommonOptions();
        var beta = new Option<double>("--beta") { Description = "β (TRL: 0.1)", DefaultValueFactory = _ => 0.1 };
        var desirable = new Option<double>("--desirable-weight") { Description = "λ_D", DefaultValueFactory = _ => 1 };
        var undesirable = new Option<double>("--undesirable-weight") { Description = "λ_U", DefaultValueFactory = _ => 1 };
        var command = new Command("kto", "Train a policy from an SFT run on {\"prompt\",\"completion\",\"label\"} lines with KTO") { beta, desirable, undesirable };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var (sft, tokenizer) = common.OpenSft(parse);
            var config = common.Apply(parse, new KtoConfig
            {
                Beta = parse.GetValue(beta), DesirableWeight = parse.GetValue(desirable), UndesirableWeight = parse.GetValue(undesirable), InitFrom = sft,
            });
            config.Validate();
            int context = SftContext(sft);
            var train = TokenizedDataset.ReadUnpaired(config.TrainFile!, tokenizer, context);
            var eval = config.EvalFile is null ? null : TokenizedDataset.ReadUnpaired(config.EvalFile, tokenizer, context);
            common.CheckRuns(parse);
            var (policy, reference) = KtoTrainer.LoadModels(config, tokenizer);
            using var trainer = new KtoTrainer(config, tokenizer, policy, reference, train, eval);
            return common.Train(parse, trainer);
        });
        return command;
    }

    // The policy keeps the SFT model's context, so every example must fit in it.
    static int SftContext(string sftModel) => LanguageModelFile.ReadHeader(sftModel).Config.ContextLength;

    // The options both commands share: data, the SFT run, the optimiser and where runs go.
    sealed class CommonOptions
    {
        readonly Option<FileInfo> _train = new("--train") { Description = "Training JSONL", Required = true };
        readonly Option<FileInfo?> _eval = new("--eval") { Description = "Held-out JSONL" };
        readonly Option<DirectoryInfo> _sft = new("--sft") { Description = "SFT run folder (model.bin and tokenizer.json): the start and the reference", Required = true };
        readonly Option<int> _epochs = new("--epochs") { Description = "Passes over the data", DefaultValueFactory = _ => 1 };
        readonly Option<int> _batch = new("--batch-size") { Description = "Examples (pairs) per step", DefaultValueFactory = _ => 16 };
        readonly Option<double> _rate = new("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 3e-4 };
        readonly Option<ulong> _seed = new("--seed") { Description = "Seed of the data order", DefaultValueFactory = _ => 1 };
        readonly Option<DirectoryInfo> _runs = new("--runs") { Description = "Folder the run folder is made in", DefaultValueFactory = _ => new DirectoryInfo("runs") };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _train, _eval, _sft, _epochs, _batch, _rate, _seed, _runs }) command.Options.Add(option);
        }

        public (string Model, BpeTokenizer Tokenizer) OpenSft(ParseResult parse)
        {
            var folder = parse.GetValue(_sft)!;
            string model = Path.Combine(folder.FullName, SftTrainer.ModelFileName);
            string tokenizer = Path.Combine(folder.FullName, BpeTokenizer.FileName);
            if (!File.Exists(model)) throw new FileNotFoundException($"--sft '{folder.FullName}' has no {SftTrainer.ModelFileName}: expected an SFT run folder written by sim align sft");
            if (!File.Exists(tokenizer)) throw new FileNotFoundException($"--sft '{folder.FullName}' has no {BpeTokenizer.FileName}: expected an SFT run folder written by sim align sft");
            return (model, BpeTokenizer.Load(tokenizer));
        }

        public T Apply<T>(ParseResult parse, T config) where T : AlignmentConfig => config with
        {
            TrainFile = parse.GetValue(_train)!.FullName, EvalFile = parse.GetValue(_eval)?.FullName, Epochs = parse.GetValue(_epochs),
            BatchSize = parse.GetValue(_batch), LearningRate = parse.GetValue(_rate), Seed = parse.GetValue(_seed),
        };

        public void CheckRuns(ParseResult parse) => OutputPath.RequireWritableFolder("--runs", parse.GetValue(_runs)!);

        public int Train<T>(ParseResult parse, AlignmentTrainer<T> trainer) where T : AlignmentConfig
        {
            var run = trainer.CreateRun(parse.GetValue(_runs)!.FullName, Path.GetFileNameWithoutExtension(trainer.Config.TrainFile!));
            AnsiConsole.MarkupLine($"training [blue]{Markup.Escape(run.Path)}[/] ({trainer.TotalSteps} steps)");
            trainer.Train(run);
            AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(Path.Combine(run.Path, "model.bin"))}[/]");
            return 0;
        }
    }
}
