using Sim.Foundation;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Labels;
using Sim.Rewards.Models;
using Sim.Rewards.Normalization;
using Sim.Rewards.Objectives;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;
using Sim.Rewards.Serialization;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Trains text reward models (token sequences, no robot type anywhere) through the shared ensemble, objectives,
/// aggregation, normalisation, label store and model file, and checks that they learn the scripted rule on held-out items.</summary>
public sealed class TextRewardModelTests
{
    const string Kind = "test-token-mean-pool";

    /// <summary>The config a text model saves with its weights, as a language-model world would define its own.</summary>
    public sealed record TokenModelConfig(int Vocabulary, int Width, bool PerToken, EnsembleConfig Ensemble);

    static RewardModel<TokenSequence> Build(TokenModelConfig config) =>
        new(config.Ensemble, Aggregation.Mean, RewardNormalization.Standardize, new TokenCollator(),
            generator => new TokenEncoder(config.Vocabulary, config.Width, config.PerToken, generator));

    static TokenModelConfig Config(bool perToken = false, ulong seed = 11) => new(TokenPool.Vocabulary, 8, perToken,
        new EnsembleConfig { Members = 3, LearningRate = 0.02, BatchSize = 32, MaxEpochs = 60, StopAtAccuracy = 0.99, Seed = seed });

    [Fact]
    public void Pairwise_preferences_on_token_sequences_go_through_the_label_store_and_model_file_and_generalise()
    {
        using var scratch = new ScratchDirectory();
        var pool = new TokenPool();
        var random = new SimRandom(SeedDerivation.Derive(5, "text-pairs"));
        var asked = new UniformQuerySampler<TokenSequence>().Select(pool, 300, ref random);
        using (var store = LabelStore<TokenSequence>.Open(scratch.File("labels.db"), new TokenCodec()))
        {
            var pairs = store.AddPairs(asked, new PairProvenance(0, "uniform"));
            new MoreSevensTeacher().Ask(pairs, store);
        }

        IReadOnlyList<LabeledPair<TokenSequence>> labels;
        using (var reopened = LabelStore<TokenSequence>.OpenReadOnly(scratch.File("labels.db"), new TokenCodec()))
            labels = reopened.GetLabeledPairs();
        Assert.Equal(300, labels.Count);
        // The items came back through the codec as they were asked.
        Assert.Equal(asked[17].Left.Tokens, labels[17].Pair.Left.Tokens);

        var config = Config();
        string modelPath = scratch.File("reward_model.bin");
        using (var model = Build(config))
        {
            var report = model.Train(labels);
            Assert.True(report.Accuracy >= 0.95, $"training accuracy {report.Accuracy}");
            // Standardised on the labelled items it was fitted on.
            Assert.True(model.Normalizer.FittedCount == 600, $"fitted on {model.Normalizer.FittedCount} scores");
            model.Save(modelPath, Kind, config);
        }

        using var loaded = RewardModel<TokenSequence>.Load<TokenModelConfig, RewardModel<TokenSequence>>(modelPath, Kind, Build, m => m);
        var heldOut = new SimRandom(SeedDerivation.Derive(5, "text-held-out"));
        var left = pool.Sample(400, ref heldOut);
        var right = pool.Sample(400, ref heldOut);
        var leftScores = new float[left.Count];
        var rightScores = new float[right.Count];
        loaded.Score(left, leftScores);
        loaded.Score(right, rightScores);
        int decided = 0, correct = 0;
        for (int i = 0; i < left.Count; i++)
        {
            int truth = left[i].ShareOf(7).CompareTo(right[i].ShareOf(7));
            if (truth == 0) continue;
            decided++;
            if (Math.Sign(leftScores[i] - rightScores[i]) == truth) correct++;
        }
        Assert.True(decided > 300, $"only {decided} held-out pairs differ");
        double accuracy = (double)correct / decided;
        Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy:F3} ({correct} of {decided})");

        // The query samplers rank candidates by the same model: members agree that more 7s wins.
        var probabilities = new float[loaded.MemberCount];
        loaded.PredictPreferences([new TokenSequence([7, 7, 7, 1])], [new TokenSequence([1, 2, 3, 4])], probabilities);
        Assert.All(probabilities, p => Assert.True(p > 0.9, $"P(more sevens wins) = {p}"));
    }

    [Fact]
    public void A_file_of_another_kind_is_refused_by_name()
    {
        using var scratch = new ScratchDirectory();
        var config = Config();
        using (var model = Build(config)) model.Save(scratch.File("m.bin"), Kind, config);
        var ex = Assert.Throws<RewardModelFormatException>(() =>
            RewardModel<TokenSequence>.Load<TokenModelConfig, RewardModel<TokenSequence>>(scratch.File("m.bin"), "robot-step-mlp", Build, m => m));
        Assert.Contains($"holds a '{Kind}' model: expected 'robot-step-mlp'", ex.Message);
    }

    [Fact]
    public void Pointwise_classification_learns_which_sequences_are_mostly_sevens()
    {
        var pool = new TokenPool();
        var random = new SimRandom(SeedDerivation.Derive(6, "classification"));
        var train = pool.Sample(400, ref random);
        var test = pool.Sample(300, ref random);
        static float Label(TokenSequence s) => s.ShareOf(7) >= 0.5 ? 1f : 0f;
        using var model = Build(Config(seed: 12));
        using var trainData = ItemTargetDataset.Create(model.Collator, train, train.Select(Label).ToList(), CPU);
        using var testData = ItemTargetDataset.Create(model.Collator, test, test.Select(Label).ToList(), CPU);
        var testObjective = new PointwiseClassificationObjective(testData);
        var (_, before) = model.Ensemble.Evaluate(testObjective);

        var report = model.Ensemble.Train(new PointwiseClassificationObjective(trainData), testObjective);

        Assert.True(report.HeldOutAccuracy >= 0.95, $"held-out accuracy {report.HeldOutAccuracy} (untrained: {before})");
        Assert.True(before < 0.8, $"the untrained model already scores {before}: the test would not show learning");
        // The label store's counterpart: a label outside [0, 1] is refused by value.
        using var bad = ItemTargetDataset.Create(model.Collator, [train[0]], [2f], CPU);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new PointwiseClassificationObjective(bad));
        Assert.Contains("target 0 = 2", ex.Message);
    }

    [Fact]
    public void Sequence_sum_regression_attributes_each_item_total_to_its_tokens()
    {
        // Token values: 7 is worth +1, 3 is worth −0.5, everything else 0; an item's target is its tokens' sum.
        static float Value(int token) => token == 7 ? 1f : token == 3 ? -0.5f : 0f;
        static float Target(TokenSequence s) => s.Tokens.Sum(Value);
        var pool = new TokenPool();
        var random = new SimRandom(SeedDerivation.Derive(7, "sequence-sum"));
        var train = pool.Sample(256, ref random);
        var test = pool.Sample(200, ref random);
        var config = Config(perToken: true, seed: 13);
        // Regression has no accuracy to stop at, so it runs a fixed number of epochs.
        using var model = Build(config with { Ensemble = config.Ensemble with { Members = 2, LearningRate = 0.05, MaxEpochs = 60, StopAtAccuracy = null } });
        using var trainData = ItemTargetDataset.Create(model.Collator, train, train.Select(Target).ToList(), CPU);
        using var testData = ItemTargetDataset.Create(model.Collator, test, test.Select(Target).ToList(), CPU);
        var testObjective = new SequenceSumObjective(testData);
        var (before, _) = model.Ensemble.Evaluate(testObjective);

        var report = model.Ensemble.Train(new SequenceSumObjective(trainData), testObjective);

        var targets = test.Select(Target).ToArray();
        double mean = targets.Average();
        double variance = targets.Average(t => (t - mean) * (t - mean));
        Assert.True(report.HeldOutLoss < 0.01 * variance, $"held-out squared error {report.HeldOutLoss} against a target variance of {variance} (untrained: {before})");
        Assert.True(double.IsNaN(report.Accuracy), "regression has no accuracy");
        // Each member's per-token scores recover the token values.
        using var scope = NewDisposeScope();
        var probe = model.Collator.Collate([new TokenSequence([7, 3, 0, 1, 2, 4, 5, 6, 8, 9])], CPU);
        var perToken = model.Ensemble.Outputs(probe).data<float>().ToArray();
        for (int m = 0; m < model.MemberCount; m++)
        {
            for (int t = 0; t < 10; t++)
            {
                int token = new[] { 7, 3, 0, 1, 2, 4, 5, 6, 8, 9 }[t];
                Assert.True(Math.Abs(perToken[m * 10 + t] - Value(token)) < 0.1, $"member {m} scores token {token} at {perToken[m * 10 + t]}, expected {Value(token)}");
            }
        }
    }

    [Fact]
    public void An_indexed_member_factory_is_called_once_per_member_in_order_and_members_keep_their_own_shapes()
    {
        int[] widths = [4, 8, 12];
        var calls = new List<int>();
        var ensemble = new EnsembleConfig { Members = 3, Seed = 5 };
        using var model = new RewardModel<TokenSequence>(ensemble, Aggregation.WorstCase, RewardNormalization.None, new TokenCollator(), (member, generator) =>
        {
            calls.Add(member);
            return new TokenEncoder(TokenPool.Vocabulary, widths[member], false, generator);
        });
        Assert.Equal([0, 1, 2], calls);
        // Embedding (V·w) plus two heads (w + 1 each) per member, counted by hand.
        Assert.Equal(widths.Select(w => (long)TokenPool.Vocabulary * w + 2 * (w + 1)),
            model.Ensemble.Members.Select(m => m.parameters().Sum(p => p.numel())));

        // The index-free factory still builds every member alike, from the same generator stream: member m of both
        // ensembles starts from the same weights when the indexed factory gives every member the same shape.
        using var alike = new RewardEnsemble(ensemble, generator => new TokenEncoder(TokenPool.Vocabulary, 4, false, generator));
        using var indexed = new RewardEnsemble(ensemble, (_, generator) => new TokenEncoder(TokenPool.Vocabulary, 4, false, generator));
        for (int m = 0; m < 3; m++)
            foreach (var (a, b) in alike.Members[m].parameters().Zip(indexed.Members[m].parameters()))
                Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
    }
}
