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
        var common = new AlignTrainingOptions();
        var own = new RewardOptions();
        var command = new Command("reward", "Train a text reward model on {\"prompt\",\"chosen\",\"rejected\"} JSON lines");
        common.AddTo(command);
        foreach (var option in own.All) command.Options.Add(option);
        command.SetAction(parse => Run(parse, common, own));
        return command;
    }

    // The options only a reward run has, beside the shared training options.
    sealed class RewardOptions
    {
        public readonly Option<int> Members = new("--members") { Description = "Ensemble members (1: a single reward model)", DefaultValueFactory = _ => 1 };
        public readonly Option<double> Margin = new("--margin") { Description = "Margin m in −log σ(r_c − r_r − m)", DefaultValueFactory = _ => 0 };
        public readonly Option<double> Centering = new("--center-rewards-coefficient") { Description = "c in + c·(r_c + r_r)²: keeps scores centred on zero (0: off; 0.01 is usual)", DefaultValueFactory = _ => 0 };
        public readonly Option<string> Combine = new("--aggregation") { Description = "How members combine: mean, worst-case or uncertainty (mean − λ·var)", DefaultValueFactory = _ => "mean" };
        public readonly Option<double> Lambda = new("--lambda") { Description = "λ of --aggregation uncertainty", DefaultValueFactory = _ => 1 };
        public readonly Option<string> Sampling = MemberSamplingOption.Create();
        public readonly Option<string[]> Shapes = MemberShapesOption.Create();
        public readonly Option<FileInfo[]> MemberInitFrom = new("--member-init-from")
        {
            Description = "One SFT model.bin per member, each member starting from its own (a pretrain ensemble); they share the first one's run tokenizer",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };

        public Option[] All => [Members, Margin, Centering, Combine, Lambda, Sampling, Shapes, MemberInitFrom];
    }

    static int Run(ParseResult parse, AlignTrainingOptions options, RewardOptions own)
    {
        options.ApplyThreads(parse);
        if (options.TryResume<RewardConfig>(parse, Build, RewardTrainer.ModelFileName)) return 0;

        int members = parse.GetValue(own.Members);
        double margin = parse.GetValue(own.Margin), centering = parse.GetValue(own.Centering), lambda = parse.GetValue(own.Lambda);
        string aggregation = parse.GetValue(own.Combine)!;
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
        var memberSampling = MemberSamplingOption.Parse(parse.GetValue(own.Sampling)!);
        var data = options.Data(parse);
        OutputPath.RequireWritableFolder("--runs", options.Runs(parse));
        var init = options.InitFrom(parse);
        var memberInit = parse.GetValue(own.MemberInitFrom) is { Length: > 0 } given ? given : null;
        if (memberInit is not null)
        {
            if (init is not null)
                throw new ArgumentException("--member-init-from and --init-from are both given: give one SFT model for every member or one per member");
            if (memberInit.Length != members)
                throw new ArgumentException($"--member-init-from names {memberInit.Length} models: expected one per member (--members {members})");
            if (memberInit.FirstOrDefault(f => !f.Exists) is FileInfo missing)
                throw new ArgumentException($"--member-init-from '{missing.FullName}' does not exist: expected an SFT run's model.bin");
        }
        var newTokenizer = memberInit is not null ? AlignTrainingOptions.TokenizerBeside(memberInit[0]) : options.NewTokenizer(parse, data, preferences: true);
        var defaults = new RewardConfig();
        var model = options.Model(parse, defaults.Model);
        var memberModels = MemberShapesOption.Parse(parse.GetValue(own.Shapes), model, members);
        if (memberModels is not null && (init is not null || memberInit is not null))
            throw new ArgumentException($"--member-shapes and {(init is not null ? "--init-from" : "--member-init-from")} are both given: members that start from SFT models take those models' shapes");
        var fresh = options.Apply(parse, defaults) with
        {
            Model = model,
            MemberModels = memberModels,
            InitFrom = init?.FullName,
            MemberInitFrom = memberInit?.Select(f => f.FullName).ToList(),
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
        string? start = config.InitFrom ?? config.MemberInitFrom?[0];
        int context = start is null ? config.Model.ContextLength : Sim.Alignment.Model.LanguageModelFile.ReadHeader(start).Config.ContextLength;
        var train = TokenizedDataset.ReadPreferences(config.TrainFile!, tokenizer, context);
        var eval = config.EvalFile is null ? null : TokenizedDataset.ReadPreferences(config.EvalFile, tokenizer, context);
        return new RewardTrainer(config, tokenizer, train, eval);
    }
}
