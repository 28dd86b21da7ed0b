using Sim.Envs.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Bad input to the MuJoCo envs' physics-state API and huge actions: clear errors, never silent NaN or infinity.</summary>
public class PhysicsStateInputTests
{
    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Setting_a_non_finite_state_names_the_component_and_changes_nothing(double bad, string shown)
    {
        using var env = new Hopper(2);
        env.Reset(seed: 0);
        var state = new double[env.PhysicsStateSize];
        env.GetPhysicsState(1, state);
        var before = state.ToArray();
        // Hopper: nq = 6, so index 1 + 6 + 2 is qvel[2].
        state[9] = bad;

        var ex = Assert.Throws<ArgumentException>(() => env.SetPhysicsState(1, state));

        Assert.Contains($"state[9] (qvel[2]) = {shown} for env 1: physics states must be finite", ex.Message);
        var after = new double[env.PhysicsStateSize];
        env.GetPhysicsState(1, after);
        Assert.Equal(before, after);
    }

    [Fact]
    public void An_env_index_outside_the_batch_is_an_argument_error_naming_the_env_count()
    {
        using var env = new Hopper(1);
        env.Reset(seed: 0);
        var state = new double[env.PhysicsStateSize];
        env.GetPhysicsState(0, state);

        var set = Assert.Throws<ArgumentOutOfRangeException>(() => env.SetPhysicsState(5, state));
        Assert.Contains("env 5 does not exist: this batch has 1 env (indices 0 to 0)", set.Message);
        var get = Assert.Throws<ArgumentOutOfRangeException>(() => env.GetPhysicsState(-1, state));
        Assert.Contains("this batch has 1 env", get.Message);
    }

    [Fact]
    public void A_huge_finite_action_whose_reward_overflows_truncates_like_divergence()
    {
        // 1e30 is finite, so the action check lets it through, and MuJoCo clamps the controls to their range; but the
        // control cost 1e-3·Σa² overflows float. The step must not hand a learner −∞: it is a divergence.
        using var env = new Hopper(2);
        env.Reset(seed: 0);
        var before = env.Observations.ToArray();
        var diverged = env.Infos.Flag("diverged");

        env.Step([0.1f, 0.1f, 0.1f, 1e30f, 0f, 0f]);

        Assert.False(diverged[0]);
        Assert.False(env.Truncated[0]);
        Assert.True(diverged[1]);
        Assert.True(env.Truncated[1]);
        Assert.False(env.Terminated[1]);
        Assert.All(env.Rewards.ToArray(), r => Assert.True(float.IsFinite(r)));
        // Back at env 1's state before the step, whose reward under that action is not finite either: 0, with terms 0.
        Assert.Equal(before.AsSpan(env.SingleObservationSpace.FlatSize).ToArray(), env.FinalObservations.Slice(env.SingleObservationSpace.FlatSize).ToArray());
        Assert.Equal(0f, env.Rewards[1]);
        Assert.All(env.Infos.RewardTerms, term => Assert.Equal(0f, env.Infos.Value(term)[1]));
        Assert.All(env.Observations.ToArray(), v => Assert.True(float.IsFinite(v)));
    }
}
