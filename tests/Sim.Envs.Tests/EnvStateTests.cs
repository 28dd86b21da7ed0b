using System.Runtime.InteropServices;
using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;

namespace Sim.Envs.Tests;

/// <summary>Saving a trained-on env chain and restoring it into a fresh one continues every registered env bit for bit.</summary>
public class EnvStateTests
{
    const int NumEnvs = 4;
    const int ContinuationSteps = 40;

    public static TheoryData<string> AllIds() => new(Envs.Registry.Ids);

    // The chain PPO trains under: the registry's time limit, episode statistics on the env's own rewards, then action
    // clipping (Box actions) and observation and reward normalisation.
    static IVectorEnv Build(string id, int threads, ulong seed, AutoresetMode mode = AutoresetMode.SameStep)
    {
        IVectorEnv env = Envs.Make(id, NumEnvs, seed, new VectorEnvOptions { NumThreads = threads, AutoresetMode = mode });
        env = new RecordEpisodeStatistics(env);
        if (env.SingleActionSpace is Box) env = new ClipAction(env);
        env = new NormalizeObservation(env);
        return new NormalizeReward(env);
    }

    // Box actions reach half a range beyond the bounds on each side, so the clipping is part of what must be restored.
    static float[][] Actions(IVectorEnv env, int steps, ulong seed)
    {
        var rng = new SimRandom(seed);
        var inner = ((VectorEnvWrapper)env).Find<ClipAction>()?.Inner.SingleActionSpace ?? env.SingleActionSpace;
        int size = inner.FlatSize;
        var batches = new float[steps][];
        for (int t = 0; t < steps; t++)
        {
            var batch = batches[t] = new float[NumEnvs * size];
            for (int i = 0; i < batch.Length; i++)
            {
                if (inner is Box box)
                {
                    double low = box.Low[i % size], high = box.High[i % size], margin = (high - low) / 2;
                    batch[i] = (float)rng.Uniform(low - margin, high + margin);
                }
                else
                {
                    batch[i] = rng.NextInt(((Discrete)inner).N);
                }
            }
        }
        return batches;
    }

    static void Run(IVectorEnv env, float[][] actions)
    {
        foreach (var batch in actions) env.Step(batch);
    }

    /// <summary>Everything a learner, viewer or recorder can read after each step, as labelled raw bytes.</summary>
    sealed class StepRecord
    {
        public readonly List<(string Label, byte[] Bytes)> Entries = new();
        public int EpisodeEnds;

        public void Add<T>(string label, ReadOnlySpan<T> values) where T : unmanaged =>
            Entries.Add((label, MemoryMarshal.AsBytes(values).ToArray()));
    }

    static StepRecord Record(IVectorEnv env, float[][] actions)
    {
        var record = new StepRecord();
        var physics = ((VectorEnvWrapper)env).Find<MuJoCoVectorEnv>();
        var state = new double[physics?.PhysicsStateSize ?? 0];
        for (int t = 0; t < actions.Length; t++)
        {
            env.Step(actions[t]);
            record.Add($"step {t} observations", env.Observations);
            record.Add($"step {t} rewards", env.Rewards);
            record.Add($"step {t} terminated", env.Terminated);
            record.Add($"step {t} truncated", env.Truncated);
            record.Add($"step {t} final observations", env.FinalObservations);
            record.Add($"step {t} episode started", env.EpisodeStarted);
            foreach (var key in env.Infos.ValueKeys.Order(StringComparer.Ordinal))
                record.Add($"step {t} info {key}", env.Infos.Value(key).AsSpan());
            foreach (var key in env.Infos.FlagKeys.Order(StringComparer.Ordinal))
                record.Add($"step {t} info {key}", env.Infos.Flag(key).AsSpan());
            for (int i = 0; i < NumEnvs; i++)
            {
                bool ended = env.Terminated[i] || env.Truncated[i];
                if (ended) record.EpisodeEnds++;
                if (physics is null) continue;
                physics.GetPhysicsState(i, state);
                record.Add($"step {t} env {i} physics state", state.AsSpan());
                if (ended && physics.TryGetFinalPhysicsState(i, state))
                    record.Add($"step {t} env {i} final physics state", state.AsSpan());
            }
        }
        return record;
    }

    static void AssertSame(StepRecord expected, StepRecord actual, string context)
    {
        Assert.Equal(expected.Entries.Count, actual.Entries.Count);
        for (int k = 0; k < expected.Entries.Count; k++)
        {
            var (label, bytes) = expected.Entries[k];
            Assert.Equal(label, actual.Entries[k].Label);
            Assert.True(bytes.AsSpan().SequenceEqual(actual.Entries[k].Bytes), $"{context}: {label} differs after restoring");
        }
    }

    static MemoryStream Save(IVectorEnv env)
    {
        var stream = new MemoryStream();
        EnvState.Save(env, stream);
        stream.Position = 0;
        return stream;
    }

    static void CheckContinuation(string id, AutoresetMode mode)
    {
        // Save shortly before the time limit so that every env, including those that never terminate, ends an episode
        // within the recorded continuation.
        int limit = Envs.Registry.Spec(id).MaxEpisodeSteps ?? 2 * ContinuationSteps;
        int warmup = Math.Max(3, limit - ContinuationSteps / 2);
        using var original = Build(id, threads: 1, seed: 11, mode);
        Run(original, Actions(original, warmup, seed: 1));
        using var state = Save(original);
        var continuation = Actions(original, ContinuationSteps, seed: 2);
        var expected = Record(original, continuation);
        Assert.True(expected.EpisodeEnds > 0, $"{id}: no episode ended in the continuation, so autoreset was not exercised");

        foreach (int threads in new[] { 1, 2 })
        {
            using var restored = Build(id, threads, seed: 99, mode);
            // A chain that has already stepped elsewhere must be overwritten completely.
            Run(restored, Actions(restored, 5, seed: 3));
            state.Position = 0;
            EnvState.Load(restored, state);
            AssertSame(expected, Record(restored, continuation), $"{id} ({mode}, {threads} threads)");
        }
    }

    [Theory]
    [MemberData(nameof(AllIds))]
    public void A_restored_chain_continues_bit_for_bit_with_same_step_autoreset(string id) =>
        CheckContinuation(id, AutoresetMode.SameStep);

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Hopper-v1")]
    [InlineData("ArmPush-v1")]
    public void A_restored_chain_continues_bit_for_bit_with_next_step_autoreset(string id) =>
        CheckContinuation(id, AutoresetMode.NextStep);

    [Fact]
    public void A_state_of_another_env_is_rejected_naming_both()
    {
        using var hopper = Build("Hopper-v1", threads: 1, seed: 1);
        using var state = Save(hopper);
        using var walker = Build("Walker2d-v1", threads: 1, seed: 1);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(walker, state));
        Assert.Contains("Sim.Envs.MuJoCo.Hopper", e.Message);
        Assert.Contains("Sim.Envs.MuJoCo.Walker2d", e.Message);
    }

    [Fact]
    public void A_state_with_another_number_of_envs_is_rejected_naming_both_counts()
    {
        using var four = Build("Hopper-v1", threads: 1, seed: 1);
        using var state = Save(four);
        using var five = new NormalizeReward(new NormalizeObservation(new ClipAction(new RecordEpisodeStatistics(Envs.Make(
            "Hopper-v1", 5, seed: 1, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep })))));
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(five, state));
        Assert.Contains("number of envs", e.Message);
        Assert.Contains("has 4, expected 5", e.Message);
    }

    [Fact]
    public void A_state_with_another_autoreset_mode_is_rejected()
    {
        using var sameStep = Build("Hopper-v1", threads: 1, seed: 1, AutoresetMode.SameStep);
        using var state = Save(sameStep);
        using var nextStep = Build("Hopper-v1", threads: 1, seed: 1, AutoresetMode.NextStep);
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(nextStep, state));
        Assert.Contains("has SameStep, expected NextStep", e.Message);
    }

    [Fact]
    public void A_state_of_a_chain_with_other_wrappers_is_rejected_naming_them()
    {
        using var full = Build("Hopper-v1", threads: 1, seed: 1);
        using var state = Save(full);
        using var withoutClip = new NormalizeReward(new NormalizeObservation(new RecordEpisodeStatistics(Envs.Make(
            "Hopper-v1", NumEnvs, seed: 1, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep }))));
        var e = Assert.Throws<InvalidDataException>(() => EnvState.Load(withoutClip, state));
        Assert.Contains("Sim.Core.Wrappers.ClipAction", e.Message);
        Assert.Contains("Sim.Core.Wrappers.NormalizeObservation", e.Message);
    }

    [Fact]
    public void A_failed_load_leaves_the_chain_as_it_was()
    {
        using var hopper = Build("Hopper-v1", threads: 1, seed: 1);
        using var foreign = Save(hopper);
        using var walker = Build("Walker2d-v1", threads: 1, seed: 5);
        using var twin = Build("Walker2d-v1", threads: 1, seed: 5);
        var warmup = Actions(walker, 10, seed: 4);
        Run(walker, warmup);
        Run(twin, warmup);

        Assert.Throws<InvalidDataException>(() => EnvState.Load(walker, foreign));

        var continuation = Actions(walker, ContinuationSteps, seed: 6);
        AssertSame(Record(twin, continuation), Record(walker, continuation), "Walker2d after a rejected load");
    }
}
