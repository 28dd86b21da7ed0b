using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Wrappers;

public class RecordEpisodeStatisticsTests
{
    const int NumEnvs = 3;

    /// <summary>Action of env <paramref name="env"/> at global step <paramref name="step"/>; multiples of 0.25 keep every sum exact.</summary>
    static float ActionAt(int env, int step) => ((step * 3 + env) % 5 - 2) * 0.25f;

    /// <summary>Per-env model of CountingEnv written from its definition: which steps are transitions, their rewards, and episode ends.</summary>
    sealed class HandModel(AutoresetMode mode, Func<int, int> episodeLength, int timeLimit)
    {
        readonly int[] _t = new int[NumEnvs];
        readonly double[] _return = new double[NumEnvs];
        readonly bool[] _resetNext = new bool[NumEnvs];
        public readonly List<(double Return, int Length)> Finished = [];

        /// <summary>Advances env i by one step with action a; returns the finished episode, if any.</summary>
        public (double Return, int Length)? Step(int i, float a)
        {
            if (_resetNext[i])
            {
                _resetNext[i] = false;
                return null;
            }
            _t[i]++;
            _return[i] += a + _t[i];
            int length = episodeLength(i);
            bool ended = (length > 0 && _t[i] >= length) || (timeLimit > 0 && _t[i] >= timeLimit);
            if (!ended) return null;
            var episode = (_return[i], _t[i]);
            Finished.Add(episode);
            _t[i] = 0;
            _return[i] = 0;
            _resetNext[i] = mode == AutoresetMode.NextStep;
            return episode;
        }
    }

    static void RunAndCompare(IVectorEnv env, RecordEpisodeStatistics record, HandModel model, int steps)
    {
        var actions = new float[NumEnvs * CountingEnv.ActSize];
        var returns = env.Infos.Value(RecordEpisodeStatistics.ReturnKey);
        var lengths = env.Infos.Value(RecordEpisodeStatistics.LengthKey);
        var done = env.Infos.Flag(RecordEpisodeStatistics.DoneKey);
        int ends = 0;
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < NumEnvs; i++) actions[i * CountingEnv.ActSize] = ActionAt(i, step);
            env.Step(actions);
            for (int i = 0; i < NumEnvs; i++)
            {
                var expected = model.Step(i, ActionAt(i, step));
                Assert.Equal(expected.HasValue, done[i]);
                Assert.Equal(expected.HasValue, env.Terminated[i] || env.Truncated[i]);
                Assert.Equal(expected.HasValue ? (float)expected.Value.Return : 0f, returns[i]);
                Assert.Equal(expected.HasValue ? expected.Value.Length : 0f, lengths[i]);
                if (expected.HasValue) ends++;
            }
        }
        Assert.True(ends > 10, $"only {ends} episodes ended; the test needs more");
        Assert.Equal(model.Finished.Count, record.EpisodeCount);

        var recent = model.Finished.Skip(Math.Max(0, model.Finished.Count - record.BufferLength)).ToArray();
        var recentReturns = new double[record.BufferLength];
        var recentLengths = new int[record.BufferLength];
        Assert.Equal(recent.Length, record.CopyRecentReturns(recentReturns));
        Assert.Equal(recent.Length, record.CopyRecentLengths(recentLengths));
        Assert.Equal(recent.Select(e => e.Return), recentReturns.Take(recent.Length));
        Assert.Equal(recent.Select(e => e.Length), recentLengths.Take(recent.Length));
        Assert.Equal(recent.Average(e => e.Return), record.RecentMeanReturn, 12);
        Assert.Equal(recent.Average(e => e.Length), record.RecentMeanLength, 12);
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Episode_returns_and_lengths_equal_hand_summed_rewards(AutoresetMode mode)
    {
        var inner = new CountingEnv(NumEnvs, mode, baseLength: 2);
        using var record = new RecordEpisodeStatistics(inner, bufferLength: 7);
        record.Reset(seed: 0);
        RunAndCompare(record, record, new HandModel(mode, inner.EpisodeLength, timeLimit: 0), steps: 40);
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void Time_limit_truncations_are_recorded_whether_the_limit_is_inside_or_outside(AutoresetMode mode)
    {
        // Env 0 terminates after 3 steps, env 1 after 4 and env 2 after 5; the limit of 4 truncates env 2.
        var innerFirst = new CountingEnv(NumEnvs, mode, baseLength: 3);
        using var limitInside = new RecordEpisodeStatistics(new TimeLimit(innerFirst, 4), bufferLength: 100);
        limitInside.Reset(seed: 0);
        RunAndCompare(limitInside, limitInside, new HandModel(mode, innerFirst.EpisodeLength, timeLimit: 4), steps: 30);

        // Truncations that arrive through Truncate after this wrapper processed the step.
        var innerSecond = new CountingEnv(NumEnvs, mode, baseLength: 3);
        var record = new RecordEpisodeStatistics(innerSecond, bufferLength: 100);
        using var limitOutside = new TimeLimit(record, 4);
        limitOutside.Reset(seed: 0);
        RunAndCompare(limitOutside, record, new HandModel(mode, innerSecond.EpisodeLength, timeLimit: 4), steps: 30);
    }

    [Fact]
    public void A_next_step_reset_step_adds_neither_reward_nor_length()
    {
        using var env = new RecordEpisodeStatistics(new CountingEnv(1, AutoresetMode.NextStep, baseLength: 2));
        env.Reset(seed: 0);
        env.Step([1f, 0f]);  // reward 1 + 1
        env.Step([1f, 0f]);  // reward 1 + 2, terminal
        Assert.Equal(5f, env.Infos.Value(RecordEpisodeStatistics.ReturnKey)[0]);
        Assert.Equal(2f, env.Infos.Value(RecordEpisodeStatistics.LengthKey)[0]);
        env.Step([1f, 0f]);  // reset step: ignored action, reward 0
        Assert.False(env.Infos.Flag(RecordEpisodeStatistics.DoneKey)[0]);
        Assert.Equal(0.0, env.CurrentReturns[0]);
        Assert.Equal(0, env.CurrentLengths[0]);
        env.Step([-1f, 0f]); // reward −1 + 1
        Assert.Equal(1, env.CurrentLengths[0]);
        Assert.Equal(0.0, env.CurrentReturns[0]);
    }

    [Fact]
    public void Recent_statistics_are_empty_before_any_episode_ends()
    {
        using var env = new RecordEpisodeStatistics(new CountingEnv(2, AutoresetMode.NextStep));
        env.Reset(seed: 0);
        Assert.Equal(0, env.RecentCount);
        Assert.True(double.IsNaN(env.RecentMeanReturn));
        Assert.Equal(0, env.CopyRecentReturns([]));
        Assert.Equal(100, env.BufferLength);
    }
}
