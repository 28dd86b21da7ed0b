using Sim.Core.Spaces;
using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

public class ClipActionTests
{
    [Fact]
    public void Out_of_range_components_are_clipped_to_the_inner_bounds_and_others_pass_unchanged()
    {
        var inner = new CountingEnv(2, AutoresetMode.NextStep);
        using var env = new ClipAction(inner);
        env.Reset(seed: 0);
        env.Step([2.5f, -0.25f, -1e30f, 1f]);
        Assert.Equal([1f, -0.25f, -1f, 1f], inner.ReceivedActions.ToArray());
        Assert.Equal(1f + 1f, env.Rewards[0]);   // reward = clipped action[0] + t
        Assert.Equal(-1f + 1f, env.Rewards[1]);
    }

    [Fact]
    public void The_exposed_action_space_is_unbounded_with_the_same_size()
    {
        using var env = new ClipAction(new CountingEnv(1, AutoresetMode.NextStep));
        var box = Assert.IsType<Box>(env.SingleActionSpace);
        Assert.Equal(CountingEnv.ActSize, box.FlatSize);
        Assert.All(box.Low.ToArray(), l => Assert.Equal(float.NegativeInfinity, l));
        Assert.All(box.High.ToArray(), h => Assert.Equal(float.PositiveInfinity, h));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void Non_finite_actions_are_still_rejected_by_the_inner_env(float bad, string shown)
    {
        using var env = new ClipAction(new CountingEnv(3, AutoresetMode.NextStep));
        env.Reset(seed: 0);
        var actions = new float[3 * CountingEnv.ActSize];
        actions[2 * CountingEnv.ActSize + 1] = bad;
        var e = Assert.Throws<ArgumentException>(() => env.Step(actions));
        Assert.Contains($"action[1] = {shown} in env 2", e.Message);
        Assert.Contains("finite", e.Message);
    }

    [Fact]
    public void Wrong_action_length_names_both_lengths()
    {
        using var env = new ClipAction(new CountingEnv(2, AutoresetMode.NextStep));
        env.Reset(seed: 0);
        var e = Assert.Throws<ArgumentException>(() => env.Step(new float[3]));
        Assert.Contains("length 3", e.Message);
        Assert.Contains("2 envs × 2 = 4", e.Message);
    }

    [Fact]
    public void A_non_box_action_space_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ClipAction(new DiscreteActionEnv()));
        Assert.Contains("Discrete(3)", e.Message);
    }

    sealed class DiscreteActionEnv() : VectorEnv(1, Box.Unbounded(1), new Discrete(3), null)
    {
        protected override void ResetEnv(int env) { }
        protected override void StepRange(int start, int end) { }
    }
}
