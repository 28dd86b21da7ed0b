using Sim.Core.Spaces;
using Sim.Learning.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Sac;

/// <summary>Checks the SAC actor: actions stay in the Box, log-probs are those of <see cref="SquashedGaussian"/>, and the action bounds follow the module.</summary>
public sealed class SacActorTests
{
    private static readonly Box Bounds = new([-1f, 0f], [3f, 0.5f]);

    [Fact]
    public void Samples_lie_inside_the_box_and_their_log_probs_match_the_squashing_formula()
    {
        using var scope = NewDisposeScope();
        using var init = new Generator(5, CPU);
        using var actor = new SacActor(4, Bounds, 16, init);
        // Large observations push the means far out so that tanh saturates for some rows.
        using var data = new Generator(6, CPU);
        var observations = randn(new long[] { 64, 4 }, generator: data) * 50;
        using var noiseGenerator = new Generator(7, CPU);
        var (actions, logProbs) = actor.Sample(observations, noiseGenerator);

        var a = actions.data<float>().ToArray();
        for (int row = 0; row < 64; row++)
        {
            Assert.InRange(a[row * 2], -1f, 3f);
            Assert.InRange(a[row * 2 + 1], 0f, 0.5f);
        }
        Assert.Equal(new long[] { 64 }, logProbs.shape);
        Assert.True(logProbs.isfinite().all().item<bool>());

        // Same noise drawn again, fed to the formula directly: the actor adds nothing of its own.
        using var replay = new Generator(7, CPU);
        var (mean, logStd) = actor.forward(observations);
        var noise = randn(mean.shape, generator: replay);
        var (expectedActions, expectedLogProbs) = SquashedGaussian.Sample(mean, logStd, noise, tensor(new[] { 2f, 0.25f }), tensor(new[] { 1f, 0.25f }));
        Assert.True(actions.allclose(expectedActions));
        Assert.True(logProbs.allclose(expectedLogProbs));
        Assert.True(logStd.ge(SquashedGaussian.LogStdMin).all().item<bool>() && logStd.le(SquashedGaussian.LogStdMax).all().item<bool>());
    }

    [Fact]
    public void Action_scale_and_bias_are_buffers_that_move_with_the_module()
    {
        using var scope = NewDisposeScope();
        using var init = new Generator(5, CPU);
        using var actor = new SacActor(4, Bounds, 16, init);
        Assert.Equal(2, actor.buffers().Count());

        actor.to(ScalarType.Float64);

        Assert.Equal(ScalarType.Float64, actor.ActionScale.dtype);
        Assert.Equal(new[] { 2.0, 0.25 }, actor.ActionScale.data<double>().ToArray());
        Assert.Equal(new[] { 1.0, 0.25 }, actor.ActionBias.data<double>().ToArray());
        var action = actor.MeanAction(zeros(new long[] { 1, 4 }, float64));
        Assert.Equal(ScalarType.Float64, action.dtype);
    }

    [Fact]
    public void Unbounded_action_spaces_are_rejected_naming_the_dimension()
    {
        using var init = new Generator(5, CPU);
        var ex = Assert.Throws<ArgumentException>(() => new SacActor(4, new Box([-1f, float.NegativeInfinity], [1f, 1f]), 16, init));
        Assert.Contains("action bound 1", ex.Message);
    }
}
