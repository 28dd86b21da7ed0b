using Sim.Alignment.Corpus;
using Sim.Alignment.Gpm;
using Sim.Alignment.Model;
using Sim.Alignment.Rewards;
using Sim.Alignment.Tokenization;
using Sim.Foundation;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Losses;
using Sim.Rewards.Models;
using Sim.Rewards.Normalization;
using Sim.Rewards.Preferences;

namespace Sim.Alignment.Studies;

/// <summary>GPM against Bradley–Terry on intransitive preferences over text: completions come in three styles (each a
/// set of adjectives), and style A is preferred to B, B to C and C to A. Both models, with the same transformer trunk,
/// learn from pairs of one set of completions and are measured on pairs of new ones.</summary>
/// <remarks>No scalar score fits a cycle: the best Bradley–Terry can do is score the styles alike, P = ½ on every pair.
/// GPM's skew-symmetric score can place the styles 120° apart in an embedding plane and get every pair right. A third
/// model is the control: Bradley–Terry on the same pairs with the cycle broken (the closing C ≻ A read as A ≻ C), which
/// a trunk that tells the styles apart fits, so a GPM at chance cannot be blamed on the trunk.</remarks>
public static class CyclicPreferenceStudy
{
    private static readonly string[][] Styles = [["good", "great", "lovely"], ["fun", "bright", "warm"], ["fresh", "kind", "calm"]];

    /// <summary>The name of the control: Bradley–Terry on the transitive version of the same pairs.</summary>
    public const string ControlModel = "Bradley–Terry, cycle broken (control)";

    /// <summary>One model's result: held-out accuracy (strict) and mean predicted probability of the preferred side.</summary>
    public sealed record Outcome(string Model, double HeldOutAccuracy, double HeldOutLoss, double MeanPreferredProbability);

    /// <summary>Runs the study with <paramref name="pairs"/> training pairs and as many held-out ones, GPM embedding to
    /// <paramref name="dimensions"/> values (even), reporting to <paramref name="log"/>.</summary>
    public static IReadOnlyList<Outcome> Run(ulong seed, int pairs, int epochs, Action<string> log, int dimensions = 2)
    {
        if (dimensions < 2 || dimensions % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"dimensions = {dimensions}: expected an even embedding width ≥ 2");
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 3);
        ArgumentNullException.ThrowIfNull(log);
        var random = new SimRandom(SeedDerivation.Derive(seed, "cyclic-preferences"));
        var train = Pairs(pairs, ref random);
        var heldOut = Pairs(pairs, ref random);
        var tokenizer = BpeTrainer.Train(train.SelectMany(p => new[] { p.Prompt, p.Left, p.Right }), 320);
        var trainLabels = Labels(tokenizer, train, breakCycle: false);
        var heldOutLabels = Labels(tokenizer, heldOut, breakCycle: false);
        var shape = new TransformerConfig { VocabularySize = tokenizer.VocabularySize, ContextLength = 48, Width = 32, Layers = 2, Heads = 4 };
        var ensemble = new EnsembleConfig { Members = 1, LearningRate = 1e-3, BatchSize = 32, MaxEpochs = epochs, StopAtAccuracy = null, Seed = SeedDerivation.Derive(seed, "cyclic-models") };
        var collator = new CompletionCollator(shape.ContextLength);
        var left = heldOutLabels.Select(l => l.Pair.Left).ToList();
        var right = heldOutLabels.Select(l => l.Pair.Right).ToList();
        var probabilities = new float[heldOutLabels.Count];
        var outcomes = new List<Outcome>();

        log($"Bradley–Terry on {pairs} cyclic pairs");
        using (var bt = new RewardModel<TokenizedCompletion>(ensemble, Aggregation.Mean, RewardNormalization.None, collator, g => new TextRewardEncoder(shape, g)))
        {
            var report = bt.Train(trainLabels, heldOutLabels);
            bt.PredictPreferences(left, right, probabilities);
            outcomes.Add(new Outcome("Bradley–Terry", report.HeldOutAccuracy ?? double.NaN, report.HeldOutLoss ?? double.NaN, PreferredProbability(probabilities, heldOutLabels)));
        }
        log($"Bradley–Terry on the same {pairs} pairs with the cycle broken (control)");
        using (var control = new RewardModel<TokenizedCompletion>(ensemble, Aggregation.Mean, RewardNormalization.None, collator, g => new TextRewardEncoder(shape, g)))
        {
            var transitive = Labels(tokenizer, heldOut, breakCycle: true);
            var report = control.Train(Labels(tokenizer, train, breakCycle: true), transitive);
            control.PredictPreferences(left, right, probabilities);
            outcomes.Add(new Outcome(ControlModel, report.HeldOutAccuracy ?? double.NaN, report.HeldOutLoss ?? double.NaN, PreferredProbability(probabilities, transitive)));
        }
        log($"GPM ({dimensions}-d embeddings) on {pairs} cyclic pairs");
        // The head is centred on the training completions before training starts (see TextEmbeddingEncoder.CentreOn).
        var trainItems = trainLabels.SelectMany(l => new[] { l.Pair.Left, l.Pair.Right }).ToList();
        TextEmbeddingEncoder CreateCentred(TorchSharp.torch.Generator generator)
        {
            var encoder = new TextEmbeddingEncoder(shape, dimensions, generator);
            using var scope = TorchSharp.torch.NewDisposeScope();
            encoder.CentreOn(collator.Collate(trainItems, TorchSharp.torch.CPU));
            return encoder;
        }
        using (var gpm = new GeneralPreferenceModel<TokenizedCompletion>(ensemble, collator, CreateCentred, GeneralPreferenceLoss.DefaultTemperature(dimensions)))
        {
            var report = gpm.Train(trainLabels, heldOutLabels);
            gpm.PredictPreferences(left, right, probabilities);
            outcomes.Add(new Outcome($"GPM ({dimensions}-d)", report.HeldOutAccuracy ?? double.NaN, report.HeldOutLoss ?? double.NaN, PreferredProbability(probabilities, heldOutLabels)));
        }
        return outcomes;
    }

    private static double PreferredProbability(float[] leftProbabilities, IReadOnlyList<LabeledPair<TokenizedCompletion>> labels) =>
        labels.Select((l, i) => l.Label == PreferenceLabel.Left ? leftProbabilities[i] : 1 - leftProbabilities[i]).Average();

    private static List<(string Prompt, string Left, string Right, bool LeftPreferred, bool ClosesCycle)> Pairs(int count, ref SimRandom random)
    {
        var pairs = new List<(string, string, string, bool, bool)>(count);
        for (int i = 0; i < count; i++)
        {
            string topic = Lexicon.Topics[random.NextInt(Lexicon.Topics.Count)];
            int better = random.NextInt(3);
            string preferred = Completion(topic, better, ref random);
            string other = Completion(topic, (better + 1) % 3, ref random);
            bool leftPreferred = random.NextDouble() < 0.5;
            pairs.Add(($"review the {topic} :", leftPreferred ? preferred : other, leftPreferred ? other : preferred, leftPreferred, better == 2));
        }
        return pairs;
    }

    private static string Completion(string topic, int style, ref SimRandom random)
    {
        var words = Styles[style];
        return $"the {topic} was {words[random.NextInt(words.Length)]} and {words[random.NextInt(words.Length)]} .";
    }

    // With breakCycle the closing pairs (C ≻ A) are labelled the other way, which leaves the order A ≻ B ≻ C.
    private static List<LabeledPair<TokenizedCompletion>> Labels(BpeTokenizer tokenizer,
        IReadOnlyList<(string Prompt, string Left, string Right, bool LeftPreferred, bool ClosesCycle)> pairs, bool breakCycle) =>
        pairs.Select((p, i) => new LabeledPair<TokenizedCompletion>(
            new PreferencePair<TokenizedCompletion>(i, new TokenizedCompletion(tokenizer.Encode(p.Prompt), tokenizer.Encode(p.Left)), new TokenizedCompletion(tokenizer.Encode(p.Prompt), tokenizer.Encode(p.Right))),
            p.LeftPreferred ^ (breakCycle && p.ClosesCycle) ? PreferenceLabel.Left : PreferenceLabel.Right, breakCycle ? "transitive-rule" : "cyclic-rule", DateTimeOffset.UnixEpoch)).ToList();
}
