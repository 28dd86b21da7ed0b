using System.Runtime.InteropServices;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Dynamics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Rewards.Dynamics;

/// <summary>Checks REED's auxiliary phase: it learns the dynamics of a toy linear system, its encoders end up in every
/// ensemble member, and it refuses what it cannot train.</summary>
public sealed class DynamicsPretrainerTests
{
    readonly ITestOutputHelper _output;

    public DynamicsPretrainerTests(ITestOutputHelper output)
    {
        _output = output;
        torch.set_num_threads(1);
    }

    static readonly StepEncoderConfig Trunk = new(4, 2, HiddenSize: 32, HiddenLayers: 2, TanhOutput: false);
    static readonly DynamicsEncoderConfig Parts = new(StateEmbedding: 8, ActionEmbedding: 4, ProjectionSize: 8, PredictorHidden: 16);

    static DynamicsPretrainingOptions Options(DynamicsObjectiveKind kind) => new()
    {
        Objective = kind,
        Epochs = 20,
        BatchSize = 64,
        LearningRate = 1e-3,
        Patience = 20,
        Encoder = Parts,
    };

    static int[] Bits(torch.nn.Module module) =>
        module.parameters().Concat(module.buffers()).SelectMany(p => MemoryMarshal.Cast<float, int>(p.detach().cpu().data<float>().ToArray()).ToArray()).ToArray();

    [Theory]
    [InlineData(DynamicsObjectiveKind.SimSiam)]
    [InlineData(DynamicsObjectiveKind.Contrastive)]
    public void On_a_linear_system_the_consistency_loss_falls_well_below_its_value_at_initialisation(DynamicsObjectiveKind kind)
    {
        using var pretrainer = new DynamicsPretrainer(Options(kind), Trunk, seed: 5);

        var report = pretrainer.Train(new LinearSystem(2000, seed: 5))!;

        _output.WriteLine($"{kind}: {report.Epochs} epochs, validation loss {report.InitialValidationLoss:F4} -> {report.ValidationLoss:F4}, train {report.TrainLoss:F4}, target spread {report.TargetSpread:F3}");
        Assert.Equal(2000, report.Transitions);
        Assert.Equal(20, report.Epochs);
        if (kind == DynamicsObjectiveKind.SimSiam)
        {
            // −cos lies in [−1, 1]: from about 0 (unrelated directions) to close to −1 (aligned).
            Assert.True(report.ValidationLoss < report.InitialValidationLoss - 0.5, $"SimSiam loss {report.InitialValidationLoss} -> {report.ValidationLoss}");
            Assert.True(report.ValidationLoss < -0.9, $"SimSiam loss {report.ValidationLoss}: expected below -0.9");
            // Not by collapse: the targets still point in many directions (4 state dimensions fill part of the 8 of the
            // projection, so about 0.45 here; a collapsed encoder gives 0).
            Assert.True(report.TargetSpread > 0.2, $"target spread {report.TargetSpread}: the encoder collapsed");
        }
        else
        {
            // InfoNCE over 64 candidates starts near log 64 ≈ 4.16 and cannot fall by making every embedding alike. With
            // τ = 0.5 the logits lie in [−2, 2], so even with the other 63 at cosine 0 its floor is log(1 + 63 e^−2) ≈ 2.25:
            // half a nat is a large share of what can be gained.
            Assert.True(report.InitialValidationLoss > 3.5, $"InfoNCE loss at initialisation {report.InitialValidationLoss}: expected near log 64");
            Assert.True(report.ValidationLoss < report.InitialValidationLoss - 0.5, $"InfoNCE loss {report.InitialValidationLoss} -> {report.ValidationLoss}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void After_the_phase_every_members_encoders_equal_the_trained_ones_and_their_reward_heads_are_untouched(bool standardize)
    {
        var parts = Parts with { StandardizeStates = standardize };
        using var model = new RobotRewardModel(new RobotRewardModelConfig
        {
            Encoder = Trunk,
            Dynamics = parts,
            Ensemble = new EnsembleConfig { Members = 3, Seed = 9 },
        });
        using var pretrainer = new DynamicsPretrainer(Options(DynamicsObjectiveKind.SimSiam) with { Epochs = 2, Encoder = parts }, Trunk, seed: 9);
        var members = model.Ensemble.Members.Cast<DynamicsRewardEncoder>().ToArray();
        var headsBefore = members.Select(m => Bits(HeadsOf(m))).ToArray();
        var trainedBefore = pretrainer.Encoder.Encoders.Select(Bits).ToArray();
        Assert.All(members, m => Assert.NotEqual(trainedBefore[0], Bits(m.Encoders[0])));

        var system = new LinearSystem(500, seed: 9);
        pretrainer.Train(system);
        pretrainer.CopyEncodersInto(model.Ensemble.Members);
        Assert.Equal(standardize ? 4 : 3, pretrainer.Encoder.Encoders.Count);
        if (standardize) AssertStatisticsOf(system, pretrainer.Encoder.Standardizer!);

        var trained = pretrainer.Encoder.Encoders.Select(Bits).ToArray();
        Assert.NotEqual(trainedBefore[2], trained[2]); // the phase did train the trunk
        for (int m = 0; m < members.Length; m++)
        {
            for (int e = 0; e < trained.Length; e++) Assert.Equal(trained[e], Bits(members[m].Encoders[e]));
            Assert.Equal(headsBefore[m], Bits(HeadsOf(members[m])));
        }
    }

    // The phase fitted the standardisation to its transitions' states: mean and population deviation per dimension,
    // computed here in doubles from the system's rows.
    static void AssertStatisticsOf(LinearSystem system, StateStandardizer standardizer)
    {
        int n = system.TransitionCount, obs = system.ObservationSize;
        var states = new float[n * obs];
        system.CopyTransitions(states, new float[n * system.ActionSize], new float[n * obs]);
        for (int i = 0; i < obs; i++)
        {
            double mean = 0, squares = 0;
            for (int t = 0; t < n; t++) mean += states[t * obs + i];
            mean /= n;
            for (int t = 0; t < n; t++) squares += (states[t * obs + i] - mean) * (states[t * obs + i] - mean);
            Assert.Equal(mean, standardizer.Mean[i].item<float>(), 4);
            Assert.Equal(Math.Sqrt(squares / n), standardizer.Std[i].item<float>(), 4);
        }
    }

    // Every parameter that is not f_s, f_a or the trunk: the reward head and the consistency heads.
    static torch.nn.Module HeadsOf(DynamicsRewardEncoder member)
    {
        var shared = member.Encoders.SelectMany(e => e.parameters()).Select(p => p.Handle).ToHashSet();
        var heads = torch.nn.ParameterList(member.parameters().Where(p => !shared.Contains(p.Handle)).ToArray());
        return heads;
    }

    [Fact]
    public void Members_without_state_and_action_encoders_are_refused_naming_the_member()
    {
        using var model = new RobotRewardModel(new RobotRewardModelConfig { Encoder = Trunk, Ensemble = new EnsembleConfig { Members = 2 } });
        using var pretrainer = new DynamicsPretrainer(Options(DynamicsObjectiveKind.SimSiam), Trunk, seed: 1);

        var error = Assert.Throws<ArgumentException>(() => pretrainer.CopyEncodersInto(model.Ensemble.Members));

        Assert.Contains("member 0 is a StepRewardEncoder", error.Message);
    }

    [Fact]
    public void Too_few_transitions_train_nothing_and_transitions_of_another_shape_are_refused()
    {
        using var pretrainer = new DynamicsPretrainer(Options(DynamicsObjectiveKind.SimSiam), Trunk, seed: 1);
        var before = Bits(pretrainer.Encoder);

        Assert.Null(pretrainer.Train(new LinearSystem(DynamicsPretrainer.MinimumTransitions - 1, seed: 1)));
        Assert.Equal(before, Bits(pretrainer.Encoder));
        var error = Assert.Throws<ArgumentException>(() => pretrainer.Train(new LinearSystem(10, seed: 1, observationSize: 5)));
        Assert.Contains("transitions of 5 observation and 2 action floats: expected 4 and 2", error.Message);
    }

    [Fact]
    public void Options_out_of_range_are_refused_naming_the_field()
    {
        var epochs = Assert.Throws<ArgumentOutOfRangeException>(() => (Options(DynamicsObjectiveKind.SimSiam) with { Epochs = 0 }).Validate());
        Assert.Contains("Epochs = 0: expected at least 1 epoch", epochs.Message);
        var split = Assert.Throws<ArgumentOutOfRangeException>(() => (Options(DynamicsObjectiveKind.SimSiam) with { ValidationFraction = 1 }).Validate());
        Assert.Contains("ValidationFraction = 1: expected a share in (0, 1)", split.Message);
        var activation = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new DynamicsPretrainer(Options(DynamicsObjectiveKind.SimSiam), Trunk with { Activation = StepActivation.Tanh }, seed: 1));
        Assert.Contains("Activation = Tanh", activation.Message);
    }
}
