using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Optimizers;

/// <summary>Checks the scalar-safe Adam against TorchSharp's own Adam, as an independent implementation: the same updates
/// bit for bit, and checkpoints that load across the two.</summary>
public sealed class AdamTests
{
    private static float[] Values(Tensor t) => t.detach().cpu().data<float>().ToArray();

    private static void SetLearningRate(OptimizerHelper optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }

    [Theory]
    [InlineData(false, 0.0, false)]
    [InlineData(true, 0.0, false)]
    [InlineData(false, 0.1, false)]
    [InlineData(false, 0.0, true)]
    [InlineData(true, 0.1, true)]
    public void Updates_match_TorchSharp_Adam_bit_for_bit(bool amsgrad, double weightDecay, bool maximize)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7, CPU);
        var start = randn(new long[] { 3, 4 }, generator: generator);
        using var ours = new Parameter(start.clone());
        using var theirs = new Parameter(start.clone());
        using var ourAdam = new Sim.Torch.Optimizers.Adam(new[] { ours }, 0.01, eps: 1e-5, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize);
        using var theirAdam = optim.Adam(new[] { theirs }, 0.01, eps: 1e-5, weight_decay: weightDecay, amsgrad: amsgrad, maximize: maximize);

        for (int step = 1; step <= 6; step++)
        {
            var gradient = randn(new long[] { 3, 4 }, generator: generator);
            ours.grad = gradient.clone();
            theirs.grad = gradient.clone();
            // A learning rate that changes between steps, as PPO's annealing does.
            SetLearningRate(ourAdam, 0.01 / step);
            SetLearningRate(theirAdam, 0.01 / step);

            ourAdam.step();
            theirAdam.step();

            Assert.Equal(Values(theirs), Values(ours));
        }
        Assert.NotEqual(Values(start), Values(ours));
    }

    [Fact]
    public void State_saved_by_TorchSharp_Adam_resumes_in_ours_and_the_other_way_round()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        var start = randn(new long[] { 5 }, generator: generator);
        var gradients = Enumerable.Range(0, 4).Select(_ => randn(new long[] { 5 }, generator: generator)).ToArray();
        using var reference = new Parameter(start.clone());
        using var referenceAdam = optim.Adam(new[] { reference }, 0.05);
        using var ours = new Parameter(start.clone());
        using var ourAdam = new Sim.Torch.Optimizers.Adam(new[] { ours }, 0.05);
        using var theirs = new Parameter(start.clone());
        using var theirAdam = optim.Adam(new[] { theirs }, 0.05);

        // Two steps in TorchSharp's Adam, saved and resumed in ours; two more in ours, saved and resumed in TorchSharp's.
        for (int i = 0; i < 2; i++)
        {
            reference.grad = gradients[i].clone();
            referenceAdam.step();
        }
        Transfer(referenceAdam, reference, ourAdam, ours);
        for (int i = 2; i < 4; i++)
        {
            ours.grad = gradients[i].clone();
            ourAdam.step();
        }
        Transfer(ourAdam, ours, theirAdam, theirs);
        var resumed = Values(theirs);
        for (int i = 2; i < 4; i++)
        {
            reference.grad = gradients[i].clone();
            referenceAdam.step();
        }

        Assert.Equal(Values(reference), resumed);
        // Step counts and moments came across too: one more identical step keeps the two together.
        reference.grad = gradients[0].clone();
        theirs.grad = gradients[0].clone();
        referenceAdam.step();
        theirAdam.step();
        Assert.Equal(Values(reference), Values(theirs));
    }

    // Copies the weights and the optimizer state the way a checkpoint does.
    private static void Transfer(OptimizerHelper fromOptimizer, Parameter fromWeights, OptimizerHelper toOptimizer, Parameter toWeights)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) fromOptimizer.save_state_dict(writer);
        stream.Position = 0;
        using (var reader = new BinaryReader(stream)) toOptimizer.load_state_dict(reader);
        using (no_grad()) toWeights.copy_(fromWeights);
    }
}
