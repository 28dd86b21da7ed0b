using System.Buffers.Binary;
using Sim.Rewards.Robot;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;
using Sim.Rewards.Serialization;

namespace Sim.Learning.Tests.Rewards.Core;

/// <summary>Checks that a saved reward model loads back to identical outputs, and that damaged files fail with a message
/// naming the file and the problem.</summary>
public sealed class RewardModelFileTests
{
    public RewardModelFileTests() => TorchSharp.torch.set_num_threads(1);

    private static RobotRewardModel Trained()
    {
        var config = RobotRewardModelTests.Small() with
        {
            Aggregation = Aggregation.UncertaintyPenalized(0.5),
            Ensemble = RobotRewardModelTests.Small().Ensemble with { MaxEpochs = 3, Regularization = L2Regularization.Adaptive, L2Coefficient = 1e-3 },
        };
        var model = new RobotRewardModel(config);
        model.Train(new SyntheticPreferences(20).Labels(40));
        return model;
    }

    [Fact]
    public void Save_and_load_give_identical_outputs()
    {
        using var directory = new TempDirectory();
        string path = directory.File("reward.simrm");
        var task = new SyntheticPreferences(21);
        var obs = task.Normals(30 * SyntheticPreferences.ObservationSize);
        var act = task.Normals(30 * SyntheticPreferences.ActionSize);
        var left = Enumerable.Range(0, 5).Select(_ => task.Segment()).ToList();
        var right = Enumerable.Range(0, 5).Select(_ => task.Segment()).ToList();

        using var saved = Trained();
        saved.Save(path);
        using var loaded = RobotRewardModel.Load(path);

        Assert.Equal(saved.Config, loaded.Config);
        Assert.Equal(saved.Normalizer.Mean, loaded.Normalizer.Mean);
        Assert.Equal(saved.Normalizer.Std, loaded.Normalizer.Std);
        Assert.Equal(saved.Ensemble.L2Coefficients, loaded.Ensemble.L2Coefficients);
        // Mean − λ·var standardises each member by its step rewards on the training segments; those scales come back.
        Assert.False(saved.Scales.IsIdentity);
        Assert.Equal(saved.Scales.Means, loaded.Scales.Means);
        Assert.Equal(saved.Scales.Stds, loaded.Scales.Stds);
        Assert.Equal(Outputs(saved, obs, act, left, right), Outputs(loaded, obs, act, left, right));
        Assert.Empty(Directory.GetFiles(directory.Path, "*.tmp"));
    }

    [Fact]
    public void A_file_whose_config_was_written_by_the_first_format_still_loads()
    {
        using var directory = new TempDirectory();
        string path = directory.File("reward_model.bin");
        // The JSON the first reward-model files carry, written out by hand: the robot config, then the normaliser and L2 state.
        const string firstFormatJson = """
            {"Config":{"Encoder":{"ObservationSize":3,"ActionSize":1,"HiddenSize":4,"HiddenLayers":1,"Activation":"Tanh","LeakySlope":0.01,"TanhOutput":false},
            "Ensemble":{"Members":2,"LearningRate":0.001,"BatchSize":16,"MaxEpochs":5,"StopAtAccuracy":null,"Sampling":"Bootstrap","Regularization":"WeightDecay",
            "L2Coefficient":0.001,"Loss":{"RandomAnswerProbability":0.1,"Margin":0,"LabelSmoothing":0},"Seed":9},
            "Aggregation":{"Kind":"WorstCase","Lambda":1,"MemberIndex":0},"Normalization":"Scale"},
            "NormalizerMean":0.5,"NormalizerStd":2,"NormalizerCount":10,"L2Coefficients":[0.001,0.002]}
            """;
        var expected = new RobotRewardModelConfig
        {
            Encoder = new StepEncoderConfig(3, 1, HiddenSize: 4, HiddenLayers: 1, Activation: StepActivation.Tanh, TanhOutput: false),
            Ensemble = new EnsembleConfig
            {
                Members = 2, LearningRate = 0.001, BatchSize = 16, MaxEpochs = 5, StopAtAccuracy = null, Sampling = MemberSampling.Bootstrap,
                Regularization = L2Regularization.WeightDecay, L2Coefficient = 0.001, Loss = Sim.Rewards.Losses.PreferenceLossOptions.Christiano, Seed = 9,
            },
            Aggregation = Aggregation.WorstCase,
            Normalization = Sim.Rewards.Normalization.RewardNormalization.Scale,
        };
        using (var source = new RobotRewardModel(expected))
            RewardModelFile.Write(path, RobotRewardModel.FileKind, firstFormatJson, source.Ensemble.Members.ToArray<TorchSharp.torch.nn.Module>());

        using var loaded = RobotRewardModel.Load(path);

        Assert.Equal(expected, loaded.Config);
        Assert.Equal((0.5, 2.0, 10L), (loaded.Normalizer.Mean, loaded.Normalizer.Std, loaded.Normalizer.FittedCount));
        Assert.Equal([0.001, 0.002], loaded.Ensemble.L2Coefficients);
        // No member scales in the file: the worst case compares the members raw, as it did when the file was written.
        Assert.True(loaded.Scales.IsIdentity);
        Assert.Equal(2, loaded.Scales.Count);
    }

    [Fact]
    public void A_truncated_file_is_reported_as_truncated()
    {
        using var directory = new TempDirectory();
        string path = directory.File("reward.simrm");
        using (var model = Trained()) model.Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var error = Assert.Throws<RewardModelFormatException>(() => RobotRewardModel.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);

        File.WriteAllBytes(path, bytes.AsSpan(0, 10).ToArray());
        Assert.Contains("truncated", Assert.Throws<RewardModelFormatException>(() => RobotRewardModel.Load(path)).Message);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void A_flipped_byte_in_the_body_is_reported_as_corrupt(double where)
    {
        using var directory = new TempDirectory();
        string path = directory.File("reward.simrm");
        using (var model = Trained()) model.Save(path);
        var bytes = File.ReadAllBytes(path);
        int at = RewardModelFile.PreambleSize + (int)(where * (bytes.Length - RewardModelFile.PreambleSize - 4));
        bytes[at] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<RewardModelFormatException>(() => RobotRewardModel.Load(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains("corrupt: the CRC-32", error.Message);
    }

    [Fact]
    public void Another_version_or_another_format_is_named()
    {
        using var directory = new TempDirectory();
        string path = directory.File("reward.simrm");
        using (var model = Trained()) model.Save(path);
        var bytes = File.ReadAllBytes(path);

        var newer = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(newer.AsSpan(8), 2);
        File.WriteAllBytes(path, newer);
        var versionError = Assert.Throws<RewardModelFormatException>(() => RobotRewardModel.Load(path));
        Assert.Contains("format version 2: this build reads version 1", versionError.Message);

        var foreign = (byte[])bytes.Clone();
        foreign[0] = (byte)'X';
        File.WriteAllBytes(path, foreign);
        Assert.Contains("not a reward model file", Assert.Throws<RewardModelFormatException>(() => RobotRewardModel.Load(path)).Message);

        Assert.Contains("no such file", Assert.Throws<RewardModelFormatException>(() => RobotRewardModel.Load(directory.File("missing.simrm"))).Message);
    }

    [Fact]
    public void A_file_of_another_model_shape_is_refused_when_loading_into_it()
    {
        using var directory = new TempDirectory();
        string path = directory.File("reward.simrm");
        using (var model = Trained()) model.Save(path);
        var contents = RewardModelFile.Read(path);
        using var wider = new StepRewardEncoder(new StepEncoderConfig(SyntheticPreferences.ObservationSize, SyntheticPreferences.ActionSize, HiddenSize: 16, HiddenLayers: 2), new TorchSharp.torch.Generator(1));

        var error = Assert.Throws<RewardModelFormatException>(() => contents.LoadMember(0, wider));

        Assert.Contains("shape [32, 6]: expected [16, 6]", error.Message);
    }

    private static float[] Outputs(RobotRewardModel model, float[] obs, float[] act, List<Sim.Rewards.Robot.Segment> left, List<Sim.Rewards.Robot.Segment> right)
    {
        var rewards = new float[30];
        var perMember = new float[model.MemberCount * 30];
        var probabilities = new float[model.MemberCount * left.Count];
        model.Rewards(obs, act, rewards);
        model.MemberRewards(obs, act, perMember);
        model.PredictPreferences(left, right, probabilities);
        return rewards.Concat(perMember).Concat(probabilities).ToArray();
    }
}
