using System.CommandLine;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Learning.Runs;
using Sim.Rewards.Ensembles;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align reward</c>: a text reward model (an ensemble of transformer encoders on the shared reward core)
/// trained on <c>{"prompt","chosen","rejected"}</c> lines.</summary>
public static class AlignRewardCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new AlignTrainingOptions();
        var members = new Option<int>("--members") { Description = "Ensemble members (1: a single reward model)", DefaultValueFactory = _ => 1 };
        var margin = new Option<double>("--margin") { Description = "Margin m in −log σ(r_c − r_r − m)", DefaultValueFactory = _ => 0 };
        var centering = new Option<double>("--center-rewards-coefficient") { Description = "c in + c·(r_c + r_r)²: keeps scores centred on zero (0: off; 0.01 is usual)", DefaultValueFactory = _ => 0 };
        var aggregation = new Option<string>("--aggregation") { Description = "How members combine: mean, worst-case or uncertainty (mean − λ·var)", DefaultValueFactory = _ => "mean" };
        var lambda = new Option<double>("--lambda") { Description = "λ of --aggregation uncertainty", DefaultValueFactory = _ => 1 };
        var sampling = MemberSamplingOption.Create();
        var shapes = MemberShapesOption.Create();
        var command = new Command("reward", "Train a text reward model on {\"prompt\",\"chosen\",\"rejected\"} JSON lines");
        options.AddTo(command);
        command.Options.Add(members);
        command.Options.Add(margin);
        command.Options.Add(centering);
        command.Options.Add(aggregation);
        command.Options.Add(lambda);
        command.Options.Add(sampling);
        command.Options.Add(shapes);
        command.SetAction(parse => Run(parse, options, parse.GetValue(members), parse.GetValue(margin), parse.GetValue(centering), parse.GetValue(aggregation)!, parse.GetValue(lambda),
            parse.GetValue(sampling)!, parse.GetValue(shapes)));
        return command;
    }

    static int Run(ParseResult parse, AlignTrainingOptions options, int members, double margin, double centering, string aggregation, double lambda, string sampling, string[]? shapes)
    {
        options.ApplyThreads(parse);
        if (options.TryResume<RewardConfig>(parse, Build, RewardTrainer.ModelFileName)) return 0;

        if (members < 1) throw new ArgumentException($"--members = {members}: expected at least 1");
        if (!(margin >= 0 && double.IsFinite(margin))) throw new ArgumentException($"--margin = {margin}: expected a finite margin ≥ 0");
        if (!(centering >= 0 && double.IsFinite(centering))) throw new ArgumentException($"--center-rewards-coefficient = {centering}: expected a finite coefficient ≥ 0");
        if (!(lambda >= 0 && double.IsFinite(lambda))) throw new ArgumentException($"--lambda = {lambda}: expected a finite λ ≥ 0");
        var combine = aggregation switch
        {
            "mean" => Aggregation.Mean,
            "worst-case" => Aggregation.WorstCase,
            "uncertainty" => Aggregation.UncertaintyPenalized(lambda),
            _ => throw new ArgumentException($"--aggregation '{aggregation}': expected mean, worst-case or uncertainty"),
        };
        var memberSampling = MemberSamplingOption.Parse(sampling);
        var data = options.Data(parse);
        OutputPath.RequireWritableFolder("--runs", options.Runs(parse));
        var init = options.InitFrom(parse);
        var newTokenizer = options.NewTokenizer(parse, data, preferences: true);
        var defaults = new RewardConfig();
        var model = options.Model(parse, defaults.Model);
        var memberModels = MemberShapesOption.Parse(shapes, model, members);
        if (memberModels is not null && init is not null)
            throw new ArgumentException("--member-shapes and --init-from are both given: members that start from one SFT model all take its shape");
        var fresh = options.Apply(parse, defaults) with
        {
            Model = model,
            MemberModels = memberModels,
            InitFrom = init?.FullName,
            Members = members,
            Margin = margin,
            Centering = centering,
            Aggregation = combine,
            Sampling = memberSampling,
        };
        using var newTrainer = Build(fresh, newTokenizer);
        var newRun = newTrainer.CreateRun(options.Runs(parse).FullName, AlignSftCommand.RunNamePart(data));
        AlignProgress.Train(newTrainer, newRun, resume: false,
            $"{fresh.Epochs} epochs of {members} member(s) on {data.Name} · {newTokenizer.VocabularySize} tokens", RewardTrainer.ModelFileName);
        return 0;
    }

    static RewardTrainer Build(RewardConfig config, BpeTokenizer tokenizer)
    {
        int context = config.InitFrom is null ? config.Model.ContextLength : Sim.Alignment.Model.LanguageModelFile.ReadHeader(config.InitFrom).Config.ContextLength;
        var train = TokenizedDataset.ReadPreferences(config.TrainFile!, tokenizer, context);
        var eval = config.EvalFile is null ? null : TokenizedDataset.ReadPreferences(config.EvalFile, tokenizer, context);
        return new RewardTrainer(config, tokenizer, train, eval);
    }
}
