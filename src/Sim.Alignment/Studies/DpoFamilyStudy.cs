using Sim.Alignment.Corpus;
using Sim.Alignment.Dpo;
using Sim.Alignment.Kto;
using Sim.Alignment.Losses;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Foundation;
using static TorchSharp.torch;

namespace Sim.Alignment.Studies;

/// <summary>The DPO family against SFT on the synthetic testbed: an SFT model learns the base language, each variant
/// (sigmoid, conservative, hinge, IPO, SimPO, and KTO on the same pairs unpaired) trains from it on gold-labelled pairs,
/// and every policy's samples on fresh prompts are scored by the gold reward, against the SFT model's samples, with the
/// KL to the SFT model.</summary>
public static class DpoFamilyStudy
{
    /// <summary>Runs the study with run folders under <paramref name="runsRoot"/>, reporting steps to <paramref name="log"/>.</summary>
    /// <remarks>With <paramref name="sftRun"/> (a folder holding <c>model.bin</c> and <c>tokenizer.json</c>) the SFT step is
    /// skipped and that model is the start and the reference.</remarks>
    public static IReadOnlyList<DpoFamilyOutcome> Run(ulong seed, int completions, int pairs, double labelNoise, int prompts, string runsRoot,
        Action<string> log, string? sftRun = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        BpeTokenizer tokenizer;
        string sftModel;
        if (sftRun is not null)
        {
            tokenizer = BpeTokenizer.Load(Path.Combine(sftRun, BpeTokenizer.FileName));
            sftModel = Path.Combine(sftRun, SftTrainer.ModelFileName);
        }
        else
        {
            var sftData = CorpusGenerator.Completions(seed, completions);
            tokenizer = BpeTrainer.Train(sftData.SelectMany(c => new[] { c.Prompt, c.Completion }), 384);
            var shape = new TransformerConfig { ContextLength = 96, Width = 48, Layers = 2, Heads = 4 };
            var sftConfig = new SftConfig { Seed = seed, Model = shape, Epochs = 2, BatchSize = 32, LearningRate = 3e-3, LogEvery = 10, EvalEvery = 100_000, CheckpointEvery = 100_000 };
            log($"SFT on {completions} completions");
            using var sft = new SftTrainer(sftConfig, tokenizer, SftTrainer.CreateModel(sftConfig, tokenizer),
                sftData.Select(c => new TokenizedCompletion(tokenizer.Encode(c.Prompt), tokenizer.Encode(c.Completion))).ToList());
            var run = sft.CreateRun(runsRoot, "synthetic-reviews");
            sft.Train(run);
            sftModel = Path.Combine(run.Path, SftTrainer.ModelFileName);
        }

        var preferencePairs = CorpusGenerator.Pairs(seed, pairs, labelNoise, "train");
        var tokenized = OveroptimizationStudy.Tokenize(tokenizer, preferencePairs);
        var evalPrompts = Enumerable.Range(0, prompts).Select(i =>
        {
            var random = new SimRandom(SeedDerivation.Derive(seed, (ulong)i + 1000));
            return SyntheticLanguage.SamplePrompt(ref random);
        }).ToList();
        var sampling = new SamplingOptions { Temperature = 1, MaxNewTokens = 64, Seed = SeedDerivation.Derive(seed, "study-sampling") };
        using var reference = LanguageModelFile.Load(sftModel, tokenizer);
        var referenceSamples = Sample(reference, tokenizer, evalPrompts, sampling);
        var referenceGold = Gold(evalPrompts, referenceSamples, tokenizer);
        var outcomes = new List<DpoFamilyOutcome> { new("SFT", referenceGold.Average(), 0.5, 0) };

        var variants = new (string Name, DpoConfig Config)[]
        {
            ("DPO (sigmoid)", new DpoConfig { Variant = DpoVariant.Sigmoid, Beta = 0.1 }),
            ("cDPO (ε 0.1)", new DpoConfig { Variant = DpoVariant.Conservative, Beta = 0.1, LabelSmoothing = 0.1 }),
            ("hinge", new DpoConfig { Variant = DpoVariant.Hinge, Beta = 0.1 }),
            ("IPO", new DpoConfig { Variant = DpoVariant.Ipo, Beta = 0.1 }),
            ("SimPO", new DpoConfig { Variant = DpoVariant.SimPo, Beta = 2, SimPoGamma = 0.5 }),
        };
        foreach (var (name, variant) in variants)
        {
            log($"{name} on {pairs} pairs");
            var config = variant with { Seed = seed, InitFrom = sftModel, Epochs = 1, BatchSize = 16, LogEvery = 5, EvalEvery = 100_000, CheckpointEvery = 100_000 };
            var (policy, policyReference) = DpoTrainer.LoadModels(config, tokenizer);
            using var trainer = new DpoTrainer(config, tokenizer, policy, policyReference, tokenized);
            policyReference?.Dispose();
            trainer.Train(trainer.CreateRun(runsRoot, "synthetic-reviews"));
            outcomes.Add(Measure(name, trainer.Policy, reference, tokenizer, evalPrompts, sampling, referenceGold));
        }
        {
            log($"KTO on the same {pairs} pairs, unpaired");
            var config = new KtoConfig { Seed = seed, InitFrom = sftModel, Epochs = 1, BatchSize = 16, LogEvery = 5, EvalEvery = 100_000, CheckpointEvery = 100_000 };
            var unpaired = CorpusGenerator.Unpair(preferencePairs)
                .Select(e => new TokenizedUnpaired(tokenizer.Encode(e.Prompt), tokenizer.Encode(e.Completion), e.Label)).ToList();
            var (policy, policyReference) = KtoTrainer.LoadModels(config, tokenizer);
            using var trainer = new KtoTrainer(config, tokenizer, policy, policyReference, unpaired);
            trainer.Train(trainer.CreateRun(runsRoot, "synthetic-reviews"));
            outcomes.Add(Measure("KTO", trainer.Policy, reference, tokenizer, evalPrompts, sampling, referenceGold));
        }
        return outcomes;
    }

    private static DpoFamilyOutcome Measure(string name, CausalTransformer policy, CausalTransformer reference, BpeTokenizer tokenizer,
        IReadOnlyList<string> prompts, SamplingOptions sampling, double[] referenceGold)
    {
        var samples = Sample(policy, tokenizer, prompts, sampling);
        var gold = Gold(prompts, samples, tokenizer);
        double wins = 0;
        for (int i = 0; i < gold.Length; i++) wins += gold[i] > referenceGold[i] ? 1 : gold[i] == referenceGold[i] ? 0.5 : 0;
        var collator = new CompletionCollator(policy.Config.ContextLength);
        var items = prompts.Select((p, i) => new TokenizedCompletion(tokenizer.Encode(p), samples[i])).ToList();
        using var noGrad = no_grad();
        double kl = 0;
        for (int start = 0; start < items.Count; start += 64)
        {
            using var scope = NewDisposeScope();
            var batch = collator.Pack(items.Skip(start).Take(64).ToList(), CPU);
            var ratio = CompletionLogProbs.Of(policy, batch).Sum - CompletionLogProbs.Of(reference, batch).Sum;
            kl += ratio.sum().item<float>();
        }
        return new DpoFamilyOutcome(name, gold.Average(), wins / gold.Length, kl / items.Count);
    }

    private static int[][] Sample(CausalTransformer model, BpeTokenizer tokenizer, IReadOnlyList<string> prompts, SamplingOptions sampling)
    {
        model.eval();
        return CompletionGenerator.Generate(model, prompts.Select(tokenizer.Encode).ToList(), sampling);
    }

    private static double[] Gold(IReadOnlyList<string> prompts, int[][] samples, BpeTokenizer tokenizer) =>
        prompts.Select((p, i) => GoldReward.Score(p, tokenizer.Decode(samples[i]))).ToArray();
}
