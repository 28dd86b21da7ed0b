using Sim.Alignment.BestOfN;
using Sim.Alignment.Corpus;
using Sim.Alignment.Model;
using Sim.Alignment.Rewards;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Foundation;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;

namespace Sim.Alignment.Studies;

/// <summary>Gao et al.'s overoptimisation study with Coste et al.'s ensembles, on the synthetic testbed: a text reward
/// ensemble learns from gold-labelled pairs with flipped labels, and best-of-n against each proxy (one member, or the
/// ensemble aggregated by mean, worst case or mean − λ·var) is scored by the gold reward as n grows.</summary>
/// <remarks>The base policy is the synthetic language's own sampler, so the N samples per prompt are exact draws from
/// the distribution best-of-n's KL is measured against. The reward models train through <see cref="RewardTrainer"/>, in
/// a run folder of their own.</remarks>
public static class OveroptimizationStudy
{
    /// <summary>The name of the single-model curve: the mean of the members' own curves.</summary>
    public const string SingleModel = "single model (mean of members)";

    /// <summary>Runs the study, with the reward models' run folder under <paramref name="runsRoot"/>, reporting steps to
    /// <paramref name="log"/>. The curves come as: the single model (mean of the members' curves), the ensemble's
    /// aggregations (mean, worst case, mean − λ·var), then each member's own.</summary>
    public static IReadOnlyList<ProxyCurve> Run(OveroptimizationOptions options, string runsRoot, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();
        var completions = CorpusGenerator.Completions(options.Seed, 4000);
        var tokenizer = BpeTrainer.Train(completions.SelectMany(c => new[] { c.Prompt, c.Completion }), options.TokenizerVocabulary);
        var train = Tokenize(tokenizer, CorpusGenerator.Pairs(options.Seed, options.Pairs, options.LabelNoise, "train"));
        var heldOut = Tokenize(tokenizer, CorpusGenerator.Pairs(options.Seed, options.HeldOutPairs, 0, "test"));
        var starts = PretrainMembers(options, tokenizer, completions, runsRoot, log);
        var config = new RewardConfig
        {
            Seed = options.Seed, Members = options.Members, Epochs = options.Epochs, LearningRate = options.LearningRate,
            BatchSize = options.BatchSize, Model = options.Model, CheckpointEvery = options.Epochs, Sampling = options.Sampling,
            MemberModels = options.Start == MemberStart.Fresh ? options.MemberModels : null,
            InitFrom = options.Start == MemberStart.SharedSft ? starts[0] : null,
            MemberInitFrom = options.Start == MemberStart.OwnSft ? starts : null,
        };
        log($"training {options.Members} reward models on {options.Pairs} pairs ({options.LabelNoise:P0} flipped, {options.Sampling.ToString().ToLowerInvariant()} sampling)");
        using var trainer = new RewardTrainer(config, tokenizer, train, heldOut);
        var run = trainer.CreateRun(runsRoot, "synthetic-reviews");
        trainer.Train(run);
        var model = trainer.Model;

        // Coste et al. compare the ensemble with a single model averaged over the members (any member is "a single
        // model"), so one lucky or unlucky member does not decide the comparison.
        var proxies = Enumerable.Range(0, options.Members).Select(m => (MemberName(options, m), Aggregation.OfMember(m))).ToList();
        proxies.Add(("ensemble: mean", Aggregation.Mean));
        proxies.Add(("ensemble: worst case", Aggregation.WorstCase));
        proxies.Add(($"ensemble: mean - {options.UncertaintyWeight:0.##}·var", Aggregation.UncertaintyPenalized(options.UncertaintyWeight)));

        log($"scoring {options.SamplesPerPrompt} base samples for each of {options.Prompts} prompts");
        var random = new SimRandom(SeedDerivation.Derive(options.Seed, "best-of-n-samples"));
        var prompts = new List<string>();
        var samples = new List<List<string>>();
        for (int p = 0; p < options.Prompts; p++)
        {
            string prompt = SyntheticLanguage.SamplePrompt(ref random);
            prompts.Add(prompt);
            var drawn = new List<string>(options.SamplesPerPrompt);
            for (int s = 0; s < options.SamplesPerPrompt; s++) drawn.Add(SyntheticLanguage.SampleCompletion(prompt, ref random, options.BaseMaxClauses));
            samples.Add(drawn);
        }
        var ns = BestOfNCurve.PowersOfTwo(options.MaxN);
        var gold = samples.Select((drawn, p) => drawn.Select(c => GoldReward.Score(prompts[p], c)).ToArray()).ToList();
        var items = samples.Select((drawn, p) => drawn.Select(c => new TokenizedCompletion(tokenizer.Encode(prompts[p]), tokenizer.Encode(c))).ToList()).ToList();

        // The members' outputs are computed once; each proxy only combines them differently.
        var outputs = items.Select(prompt => MemberOutputs(model, prompt)).ToList();
        using var heldOutChosen = MemberOutputs(model, heldOut.Select(p => p.ChosenItem).ToList());
        using var heldOutRejected = MemberOutputs(model, heldOut.Select(p => p.RejectedItem).ToList());
        var curves = new List<ProxyCurve>();
        foreach (var (name, aggregation) in proxies)
        {
            var scored = new List<ScoredSamples>(options.Prompts);
            for (int p = 0; p < options.Prompts; p++) scored.Add(new ScoredSamples(Combine(model, outputs[p], aggregation), gold[p]));
            var chosen = Combine(model, heldOutChosen, aggregation);
            var rejected = Combine(model, heldOutRejected, aggregation);
            double accuracy = (double)chosen.Where((c, i) => c > rejected[i]).Count() / chosen.Length;
            curves.Add(new ProxyCurve(name, accuracy, BestOfNCurve.Compute(scored, ns)));
            log($"{name}: held-out accuracy {accuracy:F3}");
        }
        foreach (var tensor in outputs) tensor.Dispose();
        var single = ProxyCurve.Mean(SingleModel, curves.Take(options.Members).ToList());
        log($"{SingleModel}: held-out accuracy {single.HeldOutAccuracy:F3}");
        return [single, .. curves.Skip(options.Members), .. curves.Take(options.Members)];
    }

    // The SFT models the members start from (none, one for all, or one each), trained on the corpus's completions in run
    // folders of their own. SFT model m's seed depends only on the study's seed and m, so the shared start is member 1's own.
    private static List<string> PretrainMembers(OveroptimizationOptions options, BpeTokenizer tokenizer, IReadOnlyList<CompletionExample> completions,
        string runsRoot, Action<string> log)
    {
        int count = options.Start switch { MemberStart.SharedSft => 1, MemberStart.OwnSft => options.Members, _ => 0 };
        if (count == 0) return [];
        log($"training {count} language model(s) on {completions.Count} completions (SFT, {options.SftEpochs} epochs) for the members to start from");
        var data = completions.Select(c => new TokenizedCompletion(tokenizer.Encode(c.Prompt), tokenizer.Encode(c.Completion))).ToList();
        var paths = new List<string>(count);
        for (int m = 0; m < count; m++)
        {
            var config = new SftConfig
            {
                Seed = SeedDerivation.Derive(SeedDerivation.Derive(options.Seed, "member-sft"), (ulong)m + 1),
                Model = options.MemberModels?[m] ?? options.Model, Epochs = options.SftEpochs, BatchSize = 32, LearningRate = 3e-3,
                LogEvery = 10, EvalEvery = 100_000, CheckpointEvery = 100_000,
            };
            using var sft = new SftTrainer(config, tokenizer, SftTrainer.CreateModel(config, tokenizer), data);
            var run = sft.CreateRun(runsRoot, "synthetic-reviews");
            sft.Train(run);
            paths.Add(Path.Combine(run.Path, SftTrainer.ModelFileName));
        }
        return paths;
    }

    // Members of differing shapes carry theirs in the name (width × layers), so each curve says which architecture it is.
    private static string MemberName(OveroptimizationOptions options, int member) =>
        options.MemberModels is { } shapes ? $"member {member + 1} ({shapes[member].Width}×{shapes[member].Layers})" : $"member {member + 1}";

    // Every member's item score, [K, N], as the model's Score computes before aggregating (encoders here score items).
    private static TorchSharp.torch.Tensor MemberOutputs(RewardModel<TokenizedCompletion> model, IReadOnlyList<TokenizedCompletion> items)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var chunks = new List<TorchSharp.torch.Tensor>();
        for (int start = 0; start < items.Count; start += RewardModel<TokenizedCompletion>.PredictionChunk)
        {
            var chunk = items.Skip(start).Take(RewardModel<TokenizedCompletion>.PredictionChunk).ToList();
            chunks.Add(model.Ensemble.Score(model.Collator.Collate(chunk, model.Device)));
        }
        return TorchSharp.torch.cat(chunks, 1).MoveToOuterDisposeScope();
    }

    // The normalisation is affine, so the strict comparison of held-out pairs (RewardBench accuracy) is the same on
    // combined scores as on the raw aggregate. The worst case and mean − λ·var standardise each member on the items it
    // trained on (the model's scales) before combining.
    private static double[] Combine(RewardModel<TokenizedCompletion> model, TorchSharp.torch.Tensor memberScores, Aggregation aggregation)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var combined = model.Normalizer.Apply(model.Aggregate(memberScores, aggregation));
        return combined.to_type(TorchSharp.torch.ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>The pairs as token ids.</summary>
    public static List<TokenizedPreference> Tokenize(BpeTokenizer tokenizer, IReadOnlyList<PreferenceExample> pairs) =>
        pairs.Select(p => new TokenizedPreference(tokenizer.Encode(p.Prompt), tokenizer.Encode(p.Chosen), tokenizer.Encode(p.Rejected))).ToList();
}
