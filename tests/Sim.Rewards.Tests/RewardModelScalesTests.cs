using System.Text.Json.Nodes;
using Sim.Foundation;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;
using Sim.Rewards.Normalization;
using Sim.Rewards.Preferences;
using Sim.Rewards.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Checks that a reward model fits its members' scales on the items it trained on, scores the worst case and
/// mean − λ·var on them, and keeps them in its file; old files load raw and bad values are refused by name.</summary>
public sealed class RewardModelScalesTests
{
    const string Kind = "test-token-scales";

    public sealed record ScalesModelConfig(bool PerToken, EnsembleConfig Ensemble);

    static RewardModel<TokenSequence> Build(ScalesModelConfig config) =>
        new(config.Ensemble, Aggregation.WorstCase, RewardNormalization.None, new TokenCollator(),
            generator => new TokenEncoder(TokenPool.Vocabulary, 4, config.PerToken, generator));

    static ScalesModelConfig Config(bool perToken = false) =>
        new(perToken, new EnsembleConfig { Members = 3, LearningRate = 0.02, BatchSize = 16, MaxEpochs = 3, StopAtAccuracy = null, Seed = 21 });

    static List<LabeledPair<TokenSequence>> Labels(int count)
    {
        var random = new SimRandom(SeedDerivation.Derive(8, "scales"));
        var pool = new TokenPool();
        var teacher = new MoreSevensTeacher();
        var labels = new List<LabeledPair<TokenSequence>>();
        for (int i = 0; i < count; i++)
        {
            var left = pool.Sample(ref random);
            var right = pool.Sample(ref random);
            labels.Add(new LabeledPair<TokenSequence>(new PreferencePair<TokenSequence>(i + 1, left, right), teacher.Answer(left, right), "test", DateTimeOffset.UnixEpoch));
        }
        return labels;
    }

    // Every member's values on the items, [K][values]: item scores, or each real position's output.
    static double[][] MemberValues(RewardModel<TokenSequence> model, IReadOnlyList<TokenSequence> items)
    {
        using var scope = NewDisposeScope();
        var batch = model.Collator.Collate(items, CPU);
        var outputs = model.Ensemble.Outputs(batch).to_type(ScalarType.Float64).data<double>().ToArray();
        var mask = batch.Mask.to_type(ScalarType.Float32).data<float>().ToArray();
        int k = model.MemberCount;
        int perMember = outputs.Length / k;
        return Enumerable.Range(0, k).Select(m => Enumerable.Range(0, perMember)
            .Where(i => outputs.Length == k * items.Count || mask[i] > 0.5f)
            .Select(i => outputs[m * perMember + i]).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Training_fits_each_members_mean_and_std_on_its_training_items_and_the_worst_case_uses_them(bool perToken)
    {
        using var model = Build(Config(perToken));
        Assert.True(model.Scales.IsIdentity, "an untrained model compares its members raw");
        var labels = Labels(60).Where(l => l.Label != PreferenceLabel.Skip).ToList();

        model.Train(labels);

        var items = labels.Select(l => l.Pair.Left).Concat(labels.Select(l => l.Pair.Right)).ToList();
        var values = MemberValues(model, items);
        for (int m = 0; m < model.MemberCount; m++)
        {
            double mean = values[m].Average();
            double std = Math.Sqrt(values[m].Average(v => (v - mean) * (v - mean)));
            Assert.Equal(mean, model.Scales.Means[m], 1e-5);
            Assert.Equal(std, model.Scales.Stds[m], 1e-5);
        }

        // Worst case of an item: the smallest standardised score (summed over positions for a per-token encoder).
        var probe = new List<TokenSequence> { new([7, 7, 1, 2]), new([3, 3, 3, 3, 0]) };
        var scores = new float[2];
        model.Score(probe, scores);
        for (int i = 0; i < probe.Count; i++)
        {
            // One value per member for an item encoder; per position the minimum is taken first, then summed.
            var own = MemberValues(model, [probe[i]]);
            double expected = Enumerable.Range(0, own[0].Length)
                .Sum(p => Enumerable.Range(0, model.MemberCount).Min(m => (own[m][p] - model.Scales.Means[m]) / model.Scales.Stds[m]));
            Assert.Equal(expected, scores[i], 1e-4);
        }
    }

    [Fact]
    public void Saved_scales_load_back_and_score_alike()
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.File("reward_model.bin");
        var config = Config();
        var probe = new List<TokenSequence> { new([7, 7, 1, 2]), new([3, 3, 3, 3, 0]), new([1, 2, 4]) };
        var before = new float[3];
        MemberScales saved;
        using (var model = Build(config))
        {
            model.Train(Labels(60));
            saved = model.Scales;
            Assert.False(saved.IsIdentity);
            model.Score(probe, before, Aggregation.UncertaintyPenalized(1));
            model.Save(path, Kind, config);
        }

        using var loaded = RewardModel<TokenSequence>.Load<ScalesModelConfig, RewardModel<TokenSequence>>(path, Kind, Build, m => m);

        Assert.Equal(saved.Means, loaded.Scales.Means);
        Assert.Equal(saved.Stds, loaded.Scales.Stds);
        var after = new float[3];
        loaded.Score(probe, after, Aggregation.UncertaintyPenalized(1));
        Assert.Equal(before, after);
    }

    [Fact]
    public void A_file_written_before_scales_were_saved_loads_with_identity_scales_and_raw_members()
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.File("reward_model.bin");
        var config = Config();
        using (var model = Build(config))
        {
            model.Train(Labels(60));
            model.Save(path, Kind, config);
        }
        RewriteState(path, state => state.Remove(nameof(RewardModelState<ScalesModelConfig>.MemberScales)));

        using var loaded = RewardModel<TokenSequence>.Load<ScalesModelConfig, RewardModel<TokenSequence>>(path, Kind, Build, m => m);

        Assert.True(loaded.Scales.IsIdentity);
        Assert.Equal(new double[3], loaded.Scales.Means);
        Assert.Equal(new[] { 1.0, 1, 1 }, loaded.Scales.Stds);
        var probe = new List<TokenSequence> { new([7, 7, 1, 2]) };
        var score = new float[1];
        loaded.Score(probe, score);
        Assert.Equal(MemberValues(loaded, probe).Min(v => v[0]), score[0], 1e-6);
    }

    [Theory]
    [InlineData("""{"Means":[0,0,0],"Stds":[1,0,1]}""", "Stds[1] = 0: expected a finite standard deviation > 0")]
    [InlineData("""{"Means":[0,0,0],"Stds":[1,-2,1]}""", "Stds[1] = -2: expected a finite standard deviation > 0")]
    [InlineData("""{"Means":[0,0],"Stds":[1,1]}""", "MemberScales hold 2 members: expected one mean and standard deviation per ensemble member (3)")]
    [InlineData("""{"Means":[0,0,0],"Stds":[1,1]}""", "3 Means and 2 Stds: expected one of each per member")]
    [InlineData("""{"Means":[0,"NaN",0],"Stds":[1,1,1]}""", "$.MemberScales.Means")]
    [InlineData("""{"Stds":[1,1,1]}""", "Means")]
    public void Bad_scales_in_a_file_are_refused_naming_the_field(string scales, string expected)
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.File("reward_model.bin");
        var config = Config();
        using (var model = Build(config)) model.Save(path, Kind, config);
        RewriteState(path, state => state["MemberScales"] = JsonNode.Parse(scales));

        var error = Assert.Throws<RewardModelFormatException>(() =>
            RewardModel<TokenSequence>.Load<ScalesModelConfig, RewardModel<TokenSequence>>(path, Kind, Build, m => m));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    // Rewrites the JSON state of the file at path, keeping its kind and member tensors.
    static void RewriteState(string path, Action<JsonObject> change)
    {
        var contents = RewardModelFile.Read(path);
        var state = JsonNode.Parse(contents.ConfigJson)!.AsObject();
        change(state);
        using var model = Build(Config());
        for (int m = 0; m < model.MemberCount; m++) contents.LoadMember(m, model.Ensemble.Members[m]);
        RewardModelFile.Write(path, contents.Kind, state.ToJsonString(), model.Ensemble.Members.ToArray<nn.Module>());
    }
}
