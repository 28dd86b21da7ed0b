using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Dynamics;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Rewards.Dynamics;

/// <summary>Checks REED's two consistency losses against values worked out by hand, and that the target branch passes
/// no gradient back.</summary>
public sealed class ConsistencyLossTests
{
    public ConsistencyLossTests() => torch.set_num_threads(1);

    [Fact]
    public void The_simsiam_loss_is_minus_the_mean_cosine_of_each_prediction_and_its_target()
    {
        using var scope = NewDisposeScope();
        // Row by row: orthogonal (cos 0), parallel (cos 1), and (3,4)·(4,3) = 24 over lengths 5 × 5 (cos 0.96).
        var predicted = tensor(new float[] { 1, 0, 1, 1, 3, 4 }, [3, 2]);
        var targets = tensor(new float[] { 0, 2, 2, 2, 4, 3 }, [3, 2]);

        double loss = ConsistencyLoss.SimSiam(predicted, targets).item<float>();

        Assert.Equal(-(0 + 1 + 0.96) / 3, loss, 6);
    }

    [Fact]
    public void The_infonce_loss_is_the_cross_entropy_of_each_prediction_picking_its_own_next_state()
    {
        using var scope = NewDisposeScope();
        var predicted = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);
        var targets = tensor(new float[] { 1, 1, 0, 2 }, [2, 2]);

        double loss = ConsistencyLoss.InfoNce(predicted, targets, temperature: 0.5).item<float>();

        // Unit targets (1,1)/√2 and (0,1). Cosines: row 0 against the targets [1/√2, 0], row 1 [1/√2, 1]; over τ = 0.5
        // the logits are [√2, 0] and [√2, 2]. Row i's loss is −log(e^own / Σ e^logit) = log(1 + e^(other − own)).
        double row0 = Math.Log(1 + Math.Exp(0 - Math.Sqrt(2)));
        double row1 = Math.Log(1 + Math.Exp(Math.Sqrt(2) - 2));
        Assert.Equal((row0 + row1) / 2, loss, 6);
    }

    [Fact]
    public void Both_losses_treat_their_targets_as_constants()
    {
        using var scope = NewDisposeScope();
        var source = tensor(new float[] { 0.5f, -1, 2, 0.25f }, [2, 2]).requires_grad_(true);
        var weight = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]).requires_grad_(true);
        var predicted = source.mul(2);
        var targets = source.matmul(weight);

        ConsistencyLoss.SimSiam(predicted, targets).add(ConsistencyLoss.InfoNce(predicted, targets, 0.5)).backward();

        // The weight is reached only through the targets; the source also through the predictions.
        Assert.True(weight.grad is null, "a gradient reached the weight, which only the targets depend on");
        Assert.NotNull(source.grad);
        Assert.True(source.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void No_gradient_reaches_the_next_state_branch_of_the_network()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        using var network = new DynamicsRewardEncoder(new StepEncoderConfig(4, 2, HiddenSize: 16, HiddenLayers: 2), new DynamicsEncoderConfig(6, 3, 5, 8), generator);
        var states = randn([8, 4], generator: generator);
        var actions = randn([8, 2], generator: generator);
        var nextStates = randn([8, 4], generator: generator).requires_grad_(true);

        var predicted = network.PredictNext(states, actions, withPredictor: true);
        var targets = network.ProjectTarget(nextStates);
        ConsistencyLoss.SimSiam(predicted, targets).backward();

        Assert.False(targets.requires_grad);
        Assert.True(nextStates.grad is null, "a gradient reached the next states");
        // The prediction branch does train: the state encoder gets a gradient through f_s(s) in z_sa.
        var stateEncoder = network.Encoders[0].parameters().First();
        Assert.NotNull(stateEncoder.grad);
        Assert.True(stateEncoder.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Mismatched_shapes_and_a_bad_temperature_are_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var two = zeros(2, 3);
        var three = zeros(3, 3);
        var shapes = Assert.Throws<ArgumentException>(() => ConsistencyLoss.SimSiam(two, three));
        Assert.Contains("predictions [2, 3] and targets [3, 3]", shapes.Message);
        var temperature = Assert.Throws<ArgumentOutOfRangeException>(() => ConsistencyLoss.InfoNce(two, two, 0));
        Assert.Contains("temperature = 0", temperature.Message);
    }
}
