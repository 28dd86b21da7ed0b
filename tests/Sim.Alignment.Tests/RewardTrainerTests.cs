using System.Reflection;
using Sim.Alignment.Model;
using Sim.Alignment.Rewards;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;
using Sim.Rewards.Objectives;
using Sim.Rewards.Queries;
using Sim.Rewards.Serialization;

namespace Sim.Alignment.Tests;

public sealed class RewardTrainerTests
{
    static readonly string[] Fillers = ["the", "robot", "arm", "walk", "was", "is", "and", "steady", "a"];

    // The chosen completion says "good", the rejected one "bad", each among random filler words in random places.
    static List<TokenizedPreference> Pairs(BpeTokenizer tokenizer, int count, int seed, string rejectedKey = "bad")
    {
        var random = new Random(seed);
        string Sentence(string key)
        {
            var words = Enumerable.Range(0, 4).Select(_ => Fillers[random.Next(Fillers.Length)]).ToList();
            words.Insert(random.Next(words.Count + 1), key);
            return " " + string.Join(' ', words);
        }
        var prompt = tokenizer.Encode("review:");
        return Enumerable.Range(0, count).Select(_ => new TokenizedPreference(prompt, tokenizer.Encode(Sentence("good")), tokenizer.Encode(Sentence(rejectedKey)))).ToList();
    }

    static RewardConfig Config(int members = 2, int epochs = 12) => new()
    {
        Seed = 2, Members = members, Epochs = epochs, BatchSize = 16, LearningRate = 3e-3,
        Model = TinyModels.Config(context: 32) with { Layers = 1 },
    };

    [Fact]
    public void The_text_reward_model_is_the_reward_cores_model_ensemble_objective_and_file()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        using var trainer = new RewardTrainer(Config(epochs: 1), tokenizer, Pairs(tokenizer, 16, 1));
        var run = trainer.CreateRun(scratch.File("runs"), "toy");
        trainer.Train(run);

        Assert.IsType<RewardModel<TokenizedCompletion>>(trainer.Model);
        Assert.IsAssignableFrom<IRewardModel<TokenizedCompletion>>(trainer.Model);
        Assert.IsType<RewardEnsemble>(trainer.Model.Ensemble);
        Assert.All(trainer.Model.Ensemble.Members, member => Assert.IsType<TextRewardEncoder>(member));
        var contents = RewardModelFile.Read(Path.Combine(run.Path, RewardTrainer.ModelFileName));
        Assert.Equal(TextRewardModel.Kind, contents.Kind);
        Assert.Equal(2, contents.Members.Count);
        // The members' scales on the training completions are in the file, one per member.
        var scales = System.Text.Json.Nodes.JsonNode.Parse(contents.ConfigJson)!["MemberScales"]!;
        Assert.Equal(2, scales["Stds"]!.AsArray().Count);
        Assert.Equal(trainer.Model.Scales.Means, scales["Means"]!.AsArray().Select(v => v!.GetValue<double>()));

        // Sim.Alignment keeps no reward-learning machinery of its own: no objectives, ensembles or query samplers.
        var own = typeof(RewardTrainer).Assembly.GetTypes();
        Type[] shared = [typeof(IRewardObjective), typeof(IAuxiliaryObjective), typeof(IPreferencePredictor<>), typeof(IRewardModel<>)];
        foreach (var type in own)
        {
            Assert.DoesNotContain("Ensemble", type.Name);
            Assert.DoesNotContain("BradleyTerry", type.Name);
            foreach (var contract in shared)
                Assert.False(type.GetInterfaces().Any(i => i == contract || (i.IsGenericType && i.GetGenericTypeDefinition() == contract)),
                    $"{type.FullName} implements {contract.Name}: the reward core's implementation must serve text too");
        }
    }

    [Fact]
    public void A_trained_ensemble_ranks_held_out_pairs_and_loads_only_with_its_own_tokenizer()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        var heldOut = Pairs(tokenizer, 100, 99);
        using var trainer = new RewardTrainer(Config(), tokenizer, Pairs(tokenizer, 160, 1), heldOut);
        double before = trainer.Accuracy(heldOut);
        var run = trainer.CreateRun(scratch.File("runs"), "toy");
        trainer.Train(run);
        double after = trainer.Accuracy(heldOut);
        Assert.True(after >= 0.95, $"held-out accuracy {before:F2} → {after:F2}");

        string path = Path.Combine(run.Path, RewardTrainer.ModelFileName);
        using var loaded = TextRewardModel.Load(path, BpeTokenizer.Load(Path.Combine(run.Path, BpeTokenizer.FileName)));
        Assert.Equal(after, RewardBenchAccuracy.Of(loaded, heldOut));
        var other = BpeTrainer.Train(["another run's words"], tokenizer.VocabularySize);
        var error = Assert.Throws<InvalidDataException>(() => TextRewardModel.Load(path, other));
        Assert.Contains(tokenizer.Identity, error.Message);
        Assert.Contains(other.Identity, error.Message);
    }

    [Fact]
    public void A_resumed_reward_run_ends_with_the_scores_of_an_uninterrupted_one()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        var train = Pairs(tokenizer, 48, 3);
        var probe = Pairs(tokenizer, 20, 4).Select(p => p.ChosenItem).ToList();
        var config = Config(epochs: 4) with { Sampling = MemberSampling.Bootstrap };

        // The model's own (mean) scores, then the worst case, which standardises each member by the scales in the file.
        float[] Scores(string runPath)
        {
            using var model = TextRewardModel.Load(Path.Combine(runPath, RewardTrainer.ModelFileName), tokenizer);
            Assert.False(model.Scales.IsIdentity, "the saved model's member scales were not fitted");
            var scores = new float[probe.Count];
            var worst = new float[probe.Count];
            model.Score(probe, scores);
            model.Score(probe, worst, Aggregation.WorstCase);
            return [.. scores, .. worst];
        }

        string straight;
        using (var trainer = new RewardTrainer(config, tokenizer, train))
        {
            var run = trainer.CreateRun(scratch.File("straight"), "toy");
            trainer.Train(run);
            straight = run.Path;
        }
        Sim.Learning.Runs.RunDirectory interrupted;
        using (var trainer = new RewardTrainer(config, tokenizer, train))
        {
            interrupted = trainer.CreateRun(scratch.File("interrupted"), "toy");
            using var cancel = new CancellationTokenSource();
            trainer.Train(interrupted, cancel: cancel.Token, progress: p => { if (p.GlobalStep == 2) cancel.Cancel(); });
        }
        using (var trainer = new RewardTrainer(config, tokenizer, train))
            trainer.Train(interrupted, resume: true);
        Assert.Equal(Scores(straight), Scores(interrupted.Path));
    }

    [Fact]
    public void RewardBench_accuracy_counts_only_strict_wins()
    {
        var pairs = Enumerable.Range(0, 4).Select(i => new TokenizedPreference([i], [10 + i], [20 + i])).ToList();
        // Chosen/rejected scores per pair: (2, 1) win, (1, 1) tie, (0, 3) loss, (5, −5) win → 2 of 4.
        var scores = new Dictionary<int, float> { [10] = 2, [20] = 1, [11] = 1, [21] = 1, [12] = 0, [22] = 3, [13] = 5, [23] = -5 };
        Assert.Equal(0.5, RewardBenchAccuracy.Of(new LookupModel(scores), pairs));
        Assert.Equal(0.0, RewardBenchAccuracy.Of(new LookupModel(scores.ToDictionary(s => s.Key, _ => 1f)), pairs));
    }

    [Fact]
    public void A_pair_longer_than_the_context_is_refused_naming_the_pair_and_side()
    {
        var tokenizer = TinyModels.Tokenizer();
        var pairs = Pairs(tokenizer, 3, 1);
        pairs[2] = pairs[2] with { Rejected = new int[40] };
        var error = Assert.Throws<ArgumentException>(() => new RewardTrainer(Config(), tokenizer, pairs));
        Assert.Contains("pair 2 (rejected)", error.Message);
        Assert.Contains("context of 32", error.Message);
    }

    /// <summary>A reward model whose score of a completion is looked up by its first token.</summary>
    private sealed class LookupModel(Dictionary<int, float> scores) : IRewardModel<TokenizedCompletion>
    {
        public int MemberCount => 1;

        public void Score(IReadOnlyList<TokenizedCompletion> items, Span<float> result)
        {
            for (int i = 0; i < items.Count; i++) result[i] = scores[items[i].Completion[0]];
        }

        public void PredictPreferences(IReadOnlyList<TokenizedCompletion> left, IReadOnlyList<TokenizedCompletion> right, Span<float> probabilities) =>
            throw new NotSupportedException();
    }

    [Fact]
    public void The_centring_term_pulls_each_pairs_scores_towards_zero_without_costing_accuracy()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        // The chosen side carries a marker word and the rejected side only fillers, so plain Bradley–Terry, which sees
        // only score differences, raises r_c and leaves r_r near its start: r_c + r_r drifts with the margin. Raw scores
        // (no normalisation) show where each model put them.
        var train = Pairs(tokenizer, 96, 5, rejectedKey: "the");
        var heldOut = Pairs(tokenizer, 60, 6, rejectedKey: "the");
        (double MeanAbsoluteSum, double Accuracy) Train(double centering, string name)
        {
            using var trainer = new RewardTrainer(Config(members: 1, epochs: 12) with { Centering = centering, Normalization = Sim.Rewards.Normalization.RewardNormalization.None },
                tokenizer, train, heldOut);
            trainer.Train(trainer.CreateRun(scratch.File(name), "toy"));
            var chosen = new float[train.Count];
            var rejected = new float[train.Count];
            trainer.Model.Score(train.Select(p => p.ChosenItem).ToList(), chosen);
            trainer.Model.Score(train.Select(p => p.RejectedItem).ToList(), rejected);
            return (chosen.Zip(rejected, (c, r) => Math.Abs((double)c + r)).Average(), trainer.Accuracy(heldOut));
        }

        var plain = Train(0, "plain");
        var centred = Train(1, "centred");
        Assert.True(centred.Accuracy >= 0.95, $"centred accuracy {centred.Accuracy:F2}");
        Assert.True(centred.MeanAbsoluteSum < 0.25 * plain.MeanAbsoluteSum,
            $"mean |r_c + r_r|: {plain.MeanAbsoluteSum:F3} without the term, {centred.MeanAbsoluteSum:F3} with c = 1");
    }

    [Fact]
    public void A_negative_centring_coefficient_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Config() with { Centering = -0.5 }).Validate());
        Assert.Contains("Centering = -0.5: expected a finite coefficient ≥ 0", error.Message);
    }

    [Fact]
    public void Members_of_differing_shapes_train_save_and_load_with_their_own_shapes()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        var baseShape = Config().Model;
        TransformerConfig[] shapes = [baseShape with { Width = 16, Layers = 1 }, baseShape with { Width = 8, Layers = 2, Heads = 2 }, baseShape with { Width = 24, Layers = 1, Heads = 2 }];
        var heldOut = Pairs(tokenizer, 60, 98);
        using var trainer = new RewardTrainer(Config(members: 3) with { MemberModels = shapes }, tokenizer, Pairs(tokenizer, 160, 1), heldOut);

        // Each member is built with its own shape, and the vocabulary still comes from the tokenizer.
        var built = trainer.Model.Ensemble.Members.Select(m => ((TextRewardEncoder)m).Trunk.Config).ToList();
        Assert.Equal(shapes.Select(s => (s.Width, s.Layers, s.Heads)), built.Select(c => (c.Width, c.Layers, c.Heads)));
        Assert.All(built, c => Assert.Equal(tokenizer.VocabularySize, c.VocabularySize));
        // Parameter counts differ, so the members really are different networks.
        Assert.Equal(3, trainer.Model.Ensemble.Members.Select(m => m.parameters().Sum(p => p.numel())).Distinct().Count());

        var run = trainer.CreateRun(scratch.File("runs"), "toy");
        trainer.Train(run);
        double accuracy = trainer.Accuracy(heldOut);
        Assert.True(accuracy >= 0.9, $"held-out accuracy {accuracy:F2} of the mixed ensemble");

        using var loaded = TextRewardModel.Load(Path.Combine(run.Path, RewardTrainer.ModelFileName), tokenizer);
        Assert.Equal(built, loaded.Ensemble.Members.Select(m => ((TextRewardEncoder)m).Trunk.Config));
        var probe = heldOut.Select(p => p.ChosenItem).ToList();
        var original = new float[probe.Count];
        var reloaded = new float[probe.Count];
        trainer.Model.Score(probe, original, Aggregation.WorstCase);
        loaded.Score(probe, reloaded, Aggregation.WorstCase);
        Assert.Equal(original, reloaded);
    }

    // A three-member config broken one way, named by the row of MemberConfigProblems.
    static RewardConfig BrokenMemberConfig(string problem)
    {
        var shape = Config().Model;
        return Config(members: 3) with
        {
            MemberModels = problem switch
            {
                "shapes: count" => [shape, shape],
                "shapes: context" => [shape, shape with { ContextLength = 64 }, shape],
                "shapes: with InitFrom" or "starts: with MemberModels" => [shape, shape, shape],
                _ => null,
            },
            MemberInitFrom = problem switch
            {
                "starts: count" => ["a.bin", "b.bin"],
                "starts: empty path" => ["a.bin", "b.bin", " "],
                "starts: with InitFrom" or "starts: with MemberModels" => ["a.bin", "b.bin", "c.bin"],
                _ => null,
            },
            InitFrom = problem is "shapes: with InitFrom" or "starts: with InitFrom" ? "sft/model.bin" : null,
        };
    }

    public static TheoryData<string, string> MemberConfigProblems() => new()
    {
        { "shapes: count", "MemberModels holds 2 shapes: expected one per member (3)" },
        { "shapes: context", "MemberModels[1] has context length 64: expected the model's 32" },
        { "shapes: with InitFrom", "MemberModels and InitFrom are both set" },
        { "starts: with InitFrom", "MemberInitFrom and InitFrom are both set" },
        { "starts: with MemberModels", "MemberInitFrom and MemberModels are both set" },
        { "starts: count", "MemberInitFrom holds 2 models: expected one per member (3)" },
        { "starts: empty path", "MemberInitFrom[2] is empty" },
    };

    [Theory]
    [MemberData(nameof(MemberConfigProblems))]
    public void Member_shapes_and_starts_that_cannot_serve_the_ensemble_are_refused_by_name(string problem, string message)
    {
        var error = Assert.ThrowsAny<ArgumentException>(BrokenMemberConfig(problem).Validate);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_model_file_whose_member_shapes_disagree_with_its_ensemble_is_refused_by_name()
    {
        var shape = TinyModels.Config(context: 32);
        var ensemble = new EnsembleConfig { Members = 2 };
        var twoForThree = new TextRewardModelConfig(shape, ensemble with { Members = 3 }, Aggregation.Mean, default, "t", [shape, shape]);
        Assert.Contains("MemberModels holds 2 shapes: expected one per ensemble member (3)", Assert.ThrowsAny<ArgumentException>(twoForThree.Validate).Message);
        var otherVocabulary = new TextRewardModelConfig(shape, ensemble, Aggregation.Mean, default, "t", [shape, shape with { VocabularySize = 500 }]);
        Assert.Contains("MemberModels[1] reads 500 ids and 32 tokens: expected the model's 300 ids and 32 tokens",
            Assert.ThrowsAny<ArgumentException>(otherVocabulary.Validate).Message);
    }

    // The trunk weights of every member, flattened, in member order.
    static List<float[]> TrunkWeights(RewardModel<TokenizedCompletion> model) => model.Ensemble.Members
        .Select(m => ((TextRewardEncoder)m).Trunk.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray()).ToList();

    static float[] Weights(CausalTransformer model) => model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void Members_start_from_their_own_sft_models_or_all_from_one()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        var shape = TinyModels.Config(vocabulary: tokenizer.VocabularySize, context: 32) with { Layers = 1 };
        var paths = new List<string>();
        var weights = new List<float[]>();
        for (int m = 0; m < 3; m++)
        {
            using var model = TinyModels.Model(shape, seed: 40 + (ulong)m);
            paths.Add(scratch.File($"sft{m}.bin"));
            LanguageModelFile.Save(paths[m], model, tokenizer);
            weights.Add(Weights(model));
        }
        var train = Pairs(tokenizer, 16, 1);

        using (var own = new RewardTrainer(Config(members: 3) with { MemberInitFrom = paths }, tokenizer, train))
        {
            Assert.Equal(weights, TrunkWeights(own.Model));
            Assert.Null(own.ModelConfig.MemberModels);
            Assert.Equal(shape, own.ModelConfig.Model);
        }
        using (var shared = new RewardTrainer(Config(members: 3) with { InitFrom = paths[1] }, tokenizer, train))
            Assert.All(TrunkWeights(shared.Model), w => Assert.Equal(weights[1], w));
    }

    [Fact]
    public void Members_from_sft_models_of_differing_shapes_keep_each_shape_in_the_model_file()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        var shape = TinyModels.Config(vocabulary: tokenizer.VocabularySize, context: 32) with { Layers = 1 };
        TransformerConfig[] shapes = [shape, shape with { Width = 16, Heads = 2 }];
        var paths = new List<string>();
        for (int m = 0; m < shapes.Length; m++)
        {
            using var model = TinyModels.Model(shapes[m], seed: 7 + (ulong)m);
            paths.Add(scratch.File($"sft{m}.bin"));
            LanguageModelFile.Save(paths[m], model, tokenizer);
        }
        using var trainer = new RewardTrainer(Config(members: 2, epochs: 1) with { MemberInitFrom = paths }, tokenizer, Pairs(tokenizer, 16, 1));
        Assert.Equal(shapes, trainer.ModelConfig.MemberModels);
        var run = trainer.CreateRun(scratch.File("runs"), "toy");
        trainer.Train(run);
        using var loaded = TextRewardModel.Load(Path.Combine(run.Path, RewardTrainer.ModelFileName), tokenizer);
        Assert.Equal(shapes, loaded.Ensemble.Members.Select(m => ((TextRewardEncoder)m).Trunk.Config));
    }

    [Fact]
    public void An_sft_model_from_another_tokenizer_is_refused_for_a_member()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        var other = BpeTrainer.Train(["another run's words"], tokenizer.VocabularySize);
        var shape = TinyModels.Config(vocabulary: tokenizer.VocabularySize, context: 32) with { Layers = 1 };
        using var model = TinyModels.Model(shape);
        LanguageModelFile.Save(scratch.File("mine.bin"), model, tokenizer);
        using var theirs = TinyModels.Model(shape with { VocabularySize = other.VocabularySize });
        LanguageModelFile.Save(scratch.File("theirs.bin"), theirs, other);
        var config = Config(members: 2) with { MemberInitFrom = [scratch.File("mine.bin"), scratch.File("theirs.bin")] };
        var error = Assert.Throws<InvalidDataException>(() => new RewardTrainer(config, tokenizer, Pairs(tokenizer, 8, 1)));
        Assert.Contains("theirs.bin", error.Message);
        Assert.Contains(other.Identity, error.Message);
    }

}
