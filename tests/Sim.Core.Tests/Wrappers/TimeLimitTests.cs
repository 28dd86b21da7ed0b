using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

public class TimeLimitTests
{
    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Truncates_at_exactly_max_episode_steps(AutoresetMode mode)
    {
        using var env = new TimeLimit(new CountingEnv(2, mode, baseLength: 0), maxEpisodeSteps: 5);
        env.Reset(seed: 0);
        var actions = new float[2 * CountingEnv.ActSize];
        // Next-step mode spends one extra step per episode on the reset, so episodes end 6 steps apart.
        int period = mode == AutoresetMode.NextStep ? 6 : 5;
        for (int step = 1; step <= 20; step++)
        {
            env.Step(actions);
            bool expectEnd = step % period == 5 % period && step >= 5;
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(expectEnd, env.Truncated[i]);
                Assert.False(env.Terminated[i]);
                if (expectEnd)
                {
                    Assert.Equal(5f, env.FinalObservations[i * CountingEnv.ObsSize]);
                    Assert.Equal(0, env.ElapsedSteps[i]);
                    Assert.Equal(mode == AutoresetMode.NextStep ? 5f : 0f, env.Observations[i * CountingEnv.ObsSize]);
                }
                bool resetStep = mode == AutoresetMode.NextStep && step % period == 0;
                Assert.Equal(resetStep || (expectEnd && mode == AutoresetMode.SameStep), env.EpisodeStarted[i]);
                if (resetStep) Assert.Equal(0f, env.Rewards[i]);
            }
        }
    }

    [Fact]
    public void Next_step_truncation_is_followed_by_a_reset_step_then_a_full_episode()
    {
        using var env = new TimeLimit(new CountingEnv(1, AutoresetMode.NextStep, baseLength: 0), maxEpisodeSteps: 3);
        env.Reset(seed: 0);
        var truncatedAt = new List<int>();
        var t = new List<float>();
        for (int step = 1; step <= 9; step++)
        {
            env.Step([0f, 0f]);
            if (env.Truncated[0]) truncatedAt.Add(step);
            t.Add(env.Observations[0]);
        }
        Assert.Equal([3, 7], truncatedAt);
        Assert.Equal([1f, 2f, 3f, 0f, 1f, 2f, 3f, 0f, 1f], t);
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void A_termination_before_the_limit_restarts_the_count(AutoresetMode mode)
    {
        // Env 0 terminates after 3 steps; the limit of 4 must never fire.
        using var env = new TimeLimit(new CountingEnv(1, mode, baseLength: 3), maxEpisodeSteps: 4);
        env.Reset(seed: 0);
        int terminations = 0;
        for (int step = 0; step < 30; step++)
        {
            env.Step([0f, 0f]);
            Assert.False(env.Truncated[0]);
            if (env.Terminated[0]) terminations++;
        }
        Assert.Equal(mode == AutoresetMode.NextStep ? 7 : 10, terminations);
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Reaching_the_limit_on_the_terminal_step_reports_terminated_and_truncated_once(AutoresetMode mode)
    {
        // Gymnasium's TimeLimit sets truncated whenever the limit is reached, terminal step or not. The env terminates
        // after 3 steps and the limit is 3; the episode statistics outside must still see one episode, not two.
        using var env = new RecordEpisodeStatistics(new TimeLimit(new CountingEnv(1, mode, baseLength: 3), maxEpisodeSteps: 3));
        env.Reset(seed: 0);
        env.Step([0f, 0f]);
        env.Step([0f, 0f]);
        Assert.False(env.Terminated[0] || env.Truncated[0]);

        env.Step([0f, 0f]);
        Assert.True(env.Terminated[0]);
        Assert.True(env.Truncated[0]);
        Assert.Equal(3f, env.FinalObservations[0]);
        Assert.True(env.Infos.Flag(RecordEpisodeStatistics.DoneKey)[0]);
        Assert.Equal(3f, env.Infos.Value(RecordEpisodeStatistics.LengthKey)[0]);

        // Ended once: next-step mode spends this step on the reset, same-step mode is one step into the new episode.
        env.Step([0f, 0f]);
        Assert.False(env.Terminated[0] || env.Truncated[0]);
        Assert.False(env.Infos.Flag(RecordEpisodeStatistics.DoneKey)[0]);
        Assert.Equal(mode == AutoresetMode.NextStep, env.EpisodeStarted[0]);
        Assert.Equal(mode == AutoresetMode.NextStep ? 0f : 1f, env.Observations[0]);
    }

    [Fact]
    public void Reset_restarts_every_count()
    {
        using var env = new TimeLimit(new CountingEnv(1, AutoresetMode.SameStep, baseLength: 0), maxEpisodeSteps: 3);
        env.Reset(seed: 0);
        env.Step([0f, 0f]);
        env.Step([0f, 0f]);
        env.Reset(seed: 1);
        Assert.Equal(0, env.ElapsedSteps[0]);
        env.Step([0f, 0f]);
        env.Step([0f, 0f]);
        Assert.False(env.Truncated[0]);
        env.Step([0f, 0f]);
        Assert.True(env.Truncated[0]);
    }
}
