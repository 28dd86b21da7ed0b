using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

public class RewardWrapperTests
{
    const int NumEnvs = 3;
    const int Obs = CountingEnv.ObsSize;
    const int Act = CountingEnv.ActSize;

    /// <summary>A reward that depends on all three inputs so each can be checked: 100·obs.t + 10·next.t + action[1].</summary>
    static void Probe(ReadOnlySpan<float> obs, ReadOnlySpan<float> actions, ReadOnlySpan<float> next, Span<float> rewards)
    {
        for (int i = 0; i < rewards.Length; i++)
            rewards[i] = 100f * obs[i * Obs] + 10f * next[i * Obs] + actions[i * Act + 1];
    }

    static float[] Actions(int step)
    {
        var a = new float[NumEnvs * Act];
        for (int i = 0; i < NumEnvs; i++)
        {
            a[i * Act] = ((step + i) % 3 - 1) * 0.5f;
            a[i * Act + 1] = ((step * 2 + i) % 5) * 0.125f;
        }
        return a;
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep, RewardMode.Replace)]
    [InlineData(AutoresetMode.SameStep, RewardMode.Replace)]
    [InlineData(AutoresetMode.NextStep, RewardMode.Add)]
    [InlineData(AutoresetMode.SameStep, RewardMode.Add)]
    public void Scores_each_transition_and_combines_it_with_the_env_reward(AutoresetMode mode, RewardMode rewardMode)
    {
        var inner = new CountingEnv(NumEnvs, mode, baseLength: 2);
        using var env = new FuncRewardWrapper(inner, Probe, rewardMode, weight: 0.5f);
        var envColumn = env.Infos.Value(RewardWrapper.EnvRewardKey);
        var learnedColumn = env.Infos.Value(RewardWrapper.LearnedRewardKey);
        env.Reset(seed: 0);
        var before = inner.Observations.ToArray();
        int ends = 0, resets = 0;
        for (int step = 0; step < 20; step++)
        {
            var actions = Actions(step);
            env.Step(actions);
            for (int i = 0; i < NumEnvs; i++)
            {
                bool ended = inner.Terminated[i] || inner.Truncated[i];
                bool resetStep = inner.EpisodeStarted[i] && !ended;
                // The transition's next observation is the final one where the episode ended.
                float nextT = ended ? inner.FinalObservations[i * Obs] : inner.Observations[i * Obs];
                float learned = resetStep ? 0f : 100f * before[i * Obs] + 10f * nextT + actions[i * Act + 1];
                float envReward = inner.Rewards[i];
                Assert.Equal(envReward, envColumn[i]);
                Assert.Equal(learned, learnedColumn[i]);
                Assert.Equal(rewardMode == RewardMode.Replace ? 0.5f * learned : envReward + 0.5f * learned, env.Rewards[i]);
                if (resetStep) Assert.Equal(0f, env.Rewards[i]);
                if (ended)
                {
                    ends++;
                    Assert.Equal(inner.EpisodeLength(i), nextT);
                }
                if (resetStep) resets++;
            }
            before = inner.Observations.ToArray();
        }
        Assert.True(ends > 5);
        Assert.Equal(mode == AutoresetMode.NextStep, resets > 0);
    }

    [Fact]
    public void After_an_outer_same_step_truncation_the_next_transition_starts_from_the_new_episode()
    {
        var inner = new CountingEnv(1, AutoresetMode.SameStep, baseLength: 0);
        var reward = new FuncRewardWrapper(inner, Probe);
        using var env = new TimeLimit(reward, maxEpisodeSteps: 2);
        env.Reset(seed: 0);
        env.Step([0f, 0f]);
        env.Step([0f, 0f]);
        Assert.True(env.Truncated[0]);
        Assert.Equal(100f * 1 + 10f * 2, env.Rewards[0]);
        env.Step([0f, 0f]);
        Assert.Equal(100f * 0 + 10f * 1, env.Rewards[0]); // from t = 0, not from the truncated t = 2
    }

    [Fact]
    public void Env_and_learned_columns_are_not_counted_as_terms_of_the_env_reward()
    {
        using var env = new FuncRewardWrapper(new CountingEnv(1, AutoresetMode.NextStep), Probe);
        Assert.True(env.Infos.TryGetValue("env_reward", out _));
        Assert.True(env.Infos.TryGetValue("learned_reward", out _));
        Assert.DoesNotContain("env_reward", env.Infos.RewardTerms);
        Assert.DoesNotContain("learned_reward", env.Infos.RewardTerms);
    }
}
