using System.Runtime.InteropServices;
using Sim.Foundation;
using Sim.Core.Statistics;
using Sim.Core.Tests.Fakes;
using Sim.Core.Wrappers;

namespace Sim.Core.Tests.Vector;

public class EnvStateTests
{
    const int NumEnvs = 5;
    const int ActionSize = 2;
    const int TimeLimitSteps = 7;

    // Every wrapper of the core, stacked as training stacks them, with a learned-style reward in the middle.
    static VectorEnvWrapper Build(AutoresetMode mode, int threads = 1, int numEnvs = NumEnvs, int timeLimit = TimeLimitSteps)
    {
        IVectorEnv env = new DriftEnv(numEnvs, new VectorEnvOptions { AutoresetMode = mode, NumThreads = threads });
        env = new TimeLimit(env, timeLimit);
        env = new RecordEpisodeStatistics(env, bufferLength: 4);
        env = new FuncRewardWrapper(env, TransitionReward, RewardMode.Add, weight: 0.5f);
        env = new ClipAction(env);
        env = new NormalizeObservation(env);
        return new NormalizeReward(env, gamma: 0.9);
    }

    static void TransitionReward(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> next, Span<float> rewards)
    {
        for (int i = 0; i < rewards.Length; i++) rewards[i] = next[2 * i] - observations[2 * i] + actions[ActionSize * i + 1];
    }

    // Actions reach beyond the [−1, 1] box so that ClipAction changes some of them.
    static float[][] Actions(int steps, ulong seed, int numEnvs = NumEnvs)
    {
        var rng = new SimRandom(seed);
        var batches = new float[steps][];
        for (int t = 0; t < steps; t++)
        {
            batches[t] = new float[numEnvs * ActionSize];
            for (int i = 0; i < batches[t].Length; i++) batches[t][i] = (float)rng.Uniform(-1.6, 1.6);
        }
        return batches;
    }

    static void Run(IVectorEnv env, float[][] actions)
    {
        foreach (var batch in actions) env.Step(batch);
    }

    static List<(string Label, byte[] Bytes)> Record(VectorEnvWrapper env, float[][] actions, out int episodeEnds)
    {
        var record = new List<(string, byte[])>();
        void Add<T>(string label, ReadOnlySpan<T> values) where T : unmanaged => record.Add((label, MemoryMarshal.AsBytes(values).ToArray()));
        var stats = env.Find<RecordEpisodeStatistics>()!;
        var observationStats = env.Find<NormalizeObservation>()!.Statistics;
        var recent = new double[stats.BufferLength];
        episodeEnds = 0;
        for (int t = 0; t < actions.Length; t++)
        {
            env.Step(actions[t]);
            Add($"step {t} observations", env.Observations);
            Add($"step {t} rewards", env.Rewards);
            Add($"step {t} terminated", env.Terminated);
            Add($"step {t} truncated", env.Truncated);
            Add($"step {t} final observations", env.FinalObservations);
            Add($"step {t} episode started", env.EpisodeStarted);
            foreach (var key in env.Infos.ValueKeys.Order(StringComparer.Ordinal)) Add($"step {t} info {key}", env.Infos.Value(key).AsSpan());
            foreach (var key in env.Infos.FlagKeys.Order(StringComparer.Ordinal)) Add($"step {t} info {key}", env.Infos.Flag(key).AsSpan());
            // Wrapper state that outputs show only later or never.
            Add($"step {t} elapsed steps", env.Find<TimeLimit>()!.ElapsedSteps);
            Add($"step {t} current returns", stats.CurrentReturns);
            Add($"step {t} current lengths", stats.CurrentLengths);
            int n = stats.CopyRecentReturns(recent);
            Add($"step {t} recent returns", recent.AsSpan(0, n));
            Add($"step {t} episode count", [stats.EpisodeCount]);
            Add($"step {t} clipped actions", env.Find<ClipAction>()!.ClippedActions);
            Add($"step {t} observation mean", observationStats.Mean);
            Add($"step {t} observation variance", observationStats.Variance);
            Add($"step {t} discounted returns", env.Find<NormalizeReward>()!.DiscountedReturns);
            for (int i = 0; i < env.NumEnvs; i++) episodeEnds += env.Terminated[i] || env.Truncated[i] ? 1 : 0;
        }
        return record;
    }

    static void AssertSame(List<(string Label, byte[] Bytes)> expected, List<(string Label, byte[] Bytes)> actual, string context)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k].Label, actual[k].Label);
            Assert.True(expected[k].Bytes.AsSpan().SequenceEqual(actual[k].Bytes), $"{context}: {expected[k].Label} differs after restoring");
        }
    }

    static MemoryStream Save(IVectorEnv env)
    {
        var stream = new MemoryStream();
        EnvState.Save(env, stream);
        stream.Position = 0;
        return stream;
    }

    [Theory]
    [InlineData(AutoresetMode.SameStep)]
    [InlineData(AutoresetMode.NextStep)]
    public void A_restored_chain_continues_exactly_as_the_original_whatever_the_thread_count(AutoresetMode mode)
    {
        using var original = Build(mode);
        original.Reset(seed: 3);
        Run(original, Actions(12, seed: 1));
        using var state = Save(original);
        var continuation = Actions(20, seed: 2);
        var expected = Record(original, continuation, out int episodeEnds);
        Assert.True(episodeEnds >= NumEnvs, $"only {episodeEnds} episodes ended in the continuation");

        foreach (int threads in new[] { 1, 2 })
        {
            using var restored = Build(mode, threads);
            restored.Reset(seed: 40);
            Run(restored, Actions(3, seed: 5));
            state.Position = 0;
            EnvState.Load(restored, state);
            AssertSame(expected, Record(restored, continuation, out _), $"{mode}, {threads} threads");
        }
    }

    [Fact]
    public void The_training_flags_of_the_normalizers_are_restored()
    {
        using var original = Build(AutoresetMode.SameStep);
        original.Reset(seed: 3);
        original.Find<NormalizeObservation>()!.Training = false;
        original.Find<NormalizeReward>()!.Training = false;
        using var state = Save(original);
        using var restored = Build(AutoresetMode.SameStep);
        restored.Reset(seed: 3);
        EnvState.Load(restored, state);
        Assert.False(restored.Find<NormalizeObservation>()!.Training);
        Assert.False(restored.Find<NormalizeReward>()!.Training);
    }

    [Fact]
    public void A_state_saved_before_reset_restores_the_need_for_a_reset()
    {
        using var fresh = Build(AutoresetMode.SameStep);
        using var state = Save(fresh);
        using var used = Build(AutoresetMode.SameStep);
        used.Reset(seed: 1);
        EnvState.Load(used, state);
        Assert.Throws<InvalidOperationException>(() => used.Step(new float[NumEnvs * ActionSize]));
    }

    [Fact]
    public void An_env_that_does_not_save_its_simulation_is_named()
    {
        using var env = new CountingEnv(2, AutoresetMode.SameStep);
        var e = Assert.Throws<NotSupportedException>(() => EnvState.Save(env, new MemoryStream()));
        Assert.Contains(typeof(CountingEnv).FullName!, e.Message);
        Assert.Contains("SaveEnvState", e.Message);
    }

    sealed class ForgetfulWrapper(IVectorEnv inner) : VectorEnvWrapper(inner);

    [Fact]
    public void A_wrapper_that_does_not_save_its_state_is_named()
    {
        using var env = new ForgetfulWrapper(new DriftEnv(2));
        var e = Assert.Throws<NotSupportedException>(() => EnvState.Save(env, new MemoryStream()));
        Assert.Contains(typeof(ForgetfulWrapper).FullName!, e.Message);
    }

    [Fact]
    public void A_state_with_another_number_of_envs_is_rejected_naming_both_counts()
    {
        using var state = Save(Build(AutoresetMode.SameStep, numEnvs: 5));
        using var target = Build(AutoresetMode.SameStep, numEnvs: 6);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(target, state));
        Assert.Contains("number of envs of DriftEnv: the state has 5, expected 6", e.Message);
    }

    [Fact]
    public void A_state_with_another_autoreset_mode_is_rejected()
    {
        using var state = Save(Build(AutoresetMode.NextStep));
        using var target = Build(AutoresetMode.SameStep);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(target, state));
        Assert.Contains("the state has NextStep, expected SameStep", e.Message);
    }

    [Fact]
    public void A_state_with_another_time_limit_is_rejected()
    {
        using var state = Save(Build(AutoresetMode.SameStep, timeLimit: 7));
        using var target = Build(AutoresetMode.SameStep, timeLimit: 8);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(target, state));
        Assert.Contains("TimeLimit max episode steps: the state has 7, expected 8", e.Message);
    }

    [Fact]
    public void A_state_with_other_info_columns_is_rejected_naming_the_column()
    {
        using var state = Save(new TimeLimit(new DriftEnv(2, extraColumn: true), 5));
        using var target = new TimeLimit(new DriftEnv(2), 5);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(target, state));
        Assert.Contains("'extra'", e.Message);
    }

    [Fact]
    public void A_failed_load_leaves_the_chain_as_it_was()
    {
        using var foreign = Save(Build(AutoresetMode.SameStep, timeLimit: 9));
        using var env = Build(AutoresetMode.SameStep);
        using var twin = Build(AutoresetMode.SameStep);
        env.Reset(seed: 8);
        twin.Reset(seed: 8);
        var warmup = Actions(6, seed: 4);
        Run(env, warmup);
        Run(twin, warmup);

        Assert.Throws<InvalidDataException>(() => EnvState.Load(env, foreign));

        var continuation = Actions(15, seed: 6);
        AssertSame(Record(twin, continuation, out _), Record(env, continuation, out _), "after a rejected load");
    }

    static byte[] SavedBytes()
    {
        using var env = Build(AutoresetMode.SameStep);
        env.Reset(seed: 1);
        Run(env, Actions(4, seed: 1));
        using var stream = Save(env);
        return stream.ToArray();
    }

    [Fact]
    public void A_damaged_state_is_rejected_by_its_checksum()
    {
        var bytes = SavedBytes();
        bytes[bytes.Length / 2] ^= 0x10;
        using var env = Build(AutoresetMode.SameStep);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(env, new MemoryStream(bytes)));
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void A_truncated_state_is_rejected()
    {
        var bytes = SavedBytes();
        using var env = Build(AutoresetMode.SameStep);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(env, new MemoryStream(bytes[..^20])));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_stream_that_is_no_env_state_is_rejected()
    {
        using var env = Build(AutoresetMode.SameStep);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(env, new MemoryStream("SIMSTATS and more bytes"u8.ToArray())));
        Assert.Contains("SIMENVST", e.Message);
    }

    [Fact]
    public void A_state_of_another_format_version_is_rejected_naming_it()
    {
        var bytes = SavedBytes();
        bytes[8] = 99; // the uint16 version follows the 8-byte magic
        bytes[9] = 0;
        using var env = Build(AutoresetMode.SameStep);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(env, new MemoryStream(bytes)));
        Assert.Contains("version 99", e.Message);
    }

    [Fact]
    public void A_generator_restored_from_its_state_continues_the_same_stream()
    {
        var rng = new SimRandom(12345);
        for (int i = 0; i < 7; i++) rng.NextUInt64();
        var words = new ulong[SimRandom.StateWords];
        rng.GetState(words);
        var copy = SimRandom.FromState(words);
        for (int i = 0; i < 100; i++) Assert.Equal(rng.NextUInt64(), copy.NextUInt64());
    }

    [Fact]
    public void A_generator_state_must_have_four_words_not_all_zero()
    {
        Assert.Throws<ArgumentException>(() => SimRandom.FromState(new ulong[3]));
        var e = Assert.Throws<ArgumentException>(() => SimRandom.FromState(new ulong[4]));
        Assert.Contains("all zero", e.Message);
    }

    [Fact]
    public void Running_statistics_round_trip_exactly()
    {
        var stats = new RunningMeanStd(3);
        stats.Update([0.1f, -2f, 3.3f, 7f, 1e-3f, -0.5f, 2f, 2f, 2f]);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) stats.Write(writer);
        stream.Position = 0;
        var copy = new RunningMeanStd(3);
        copy.Read(new BinaryReader(stream), "test statistics");
        Assert.Equal(stats.Count, copy.Count);
        Assert.True(stats.Mean.SequenceEqual(copy.Mean));
        Assert.True(stats.Variance.SequenceEqual(copy.Variance));
    }

    [Fact]
    public void Running_statistics_of_another_size_are_rejected()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) new RunningMeanStd(3).Write(writer);
        stream.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => new RunningMeanStd(4).Read(new BinaryReader(stream), "observation statistics"));
        Assert.Contains("observation statistics size: the state has 3, expected 4", e.Message);
    }
}
