using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

public class EpisodicRewardTests
{
    // CountingEnv pays action[0] + t on its t-th step, so an episode of L steps under action[0] = a returns
    // L·a + L(L+1)/2, written out below for each length.

    [Theory]
    [InlineData(AutoresetMode.SameStep)]
    [InlineData(AutoresetMode.NextStep)]
    public void Pays_the_exact_return_once_on_the_terminal_step_and_zero_elsewhere(AutoresetMode mode)
    {
        // Env 0 terminates after 3 steps, env 1 after 4.
        using var env = new EpisodicReward(new CountingEnv(2, mode, baseLength: 3));
        env.Reset(seed: 0);
        var actions = new float[] { 0.25f, 0f, 0.25f, 0f };
        var paid = new[] { new List<float>(), new List<float>() };
        for (int step = 0; step < 12; step++)
        {
            env.Step(actions);
            for (int i = 0; i < 2; i++)
            {
                if (env.Terminated[i]) paid[i].Add(env.Rewards[i]);
                else Assert.Equal(0f, env.Rewards[i]);
            }
        }
        // 3 steps: 0.75 + 6; 4 steps: 1 + 10.
        Assert.All(paid[0], r => Assert.Equal(6.75f, r));
        Assert.All(paid[1], r => Assert.Equal(11f, r));
        Assert.Equal(mode == AutoresetMode.SameStep ? 4 : 3, paid[0].Count);
        Assert.Equal(mode == AutoresetMode.SameStep ? 3 : 2, paid[1].Count);
    }

    [Theory]
    [InlineData(AutoresetMode.SameStep)]
    [InlineData(AutoresetMode.NextStep)]
    public void Pays_the_return_at_a_truncation_beneath_it(AutoresetMode mode)
    {
        using var env = new EpisodicReward(new TimeLimit(new CountingEnv(1, mode, baseLength: 0), maxEpisodeSteps: 5));
        env.Reset(seed: 0);
        var rewards = new List<float>();
        for (int step = 0; step < 11; step++)
        {
            env.Step([0f, 0f]);
            rewards.Add(env.Rewards[0]);
        }
        // 1 + 2 + 3 + 4 + 5 = 15 on steps 5 and 10 (same-step); next-step spends step 6 on the reset.
        float[] expected = mode == AutoresetMode.SameStep
            ? [0, 0, 0, 0, 15, 0, 0, 0, 0, 15, 0]
            : [0, 0, 0, 0, 15, 0, 0, 0, 0, 0, 15];
        Assert.Equal(expected, rewards);
    }

    [Fact]
    public void Pays_the_return_when_an_outer_wrapper_truncates_after_the_step()
    {
        // The time limit sits outside and truncates after this wrapper has already paid 0 for the step.
        using var env = new TimeLimit(new EpisodicReward(new CountingEnv(1, AutoresetMode.SameStep, baseLength: 0)), maxEpisodeSteps: 4);
        env.Reset(seed: 0);
        var rewards = new List<float>();
        for (int step = 0; step < 8; step++)
        {
            env.Step([0.5f, 0f]);
            rewards.Add(env.Rewards[0]);
            Assert.Equal(step % 4 == 3, env.Truncated[0]);
        }
        // 4 · 0.5 + 10 = 12 on steps 4 and 8, and nothing carried from the first episode into the second.
        Assert.Equal([0f, 0f, 0f, 12f, 0f, 0f, 0f, 12f], rewards);
    }
}
