using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Checks that every MuJoCo task must pass, written once and called by each task's tests.</summary>
public static class MuJoCoEnvAssertions
{
    /// <summary>The action space is a box of <paramref name="size"/> entries, each in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static void ActionSpaceIsBox(Space actionSpace, int size, float low, float high)
    {
        var box = Assert.IsType<Box>(actionSpace);
        Assert.Equal(size, box.FlatSize);
        foreach (var l in box.Low) Assert.Equal(low, l);
        foreach (var h in box.High) Assert.Equal(high, h);
    }

    /// <summary>The registry entry of <paramref name="id"/>: <paramref name="maxEpisodeSteps"/>-step episodes under a time
    /// limit, the given reward threshold, and observations of <paramref name="observationSize"/> values per env.</summary>
    public static void RegistryEntryIs(string id, double? rewardThreshold, int observationSize, int maxEpisodeSteps = 1000)
    {
        var spec = Envs.Registry.Spec(id);
        Assert.Equal(maxEpisodeSteps, spec.MaxEpisodeSteps);
        Assert.Equal(rewardThreshold, spec.RewardThreshold);
        using var env = Envs.Make(id, 3, seed: 1);
        Assert.Equal(3 * observationSize, env.Observations.Length);
        Assert.NotNull(((VectorEnvWrapper)env).Find<TimeLimit>());
    }

    /// <summary>Env 0's reward, reward terms and x columns after a step equal a test's own recomputation: reward =
    /// forward + healthy − ctrl − contact, costs reported as negative terms, null for a term the task does not have.</summary>
    public static void LocomotionRewardIs(
        IVectorEnv env, double forward, double? healthy, double ctrl, double? contact, double xPosition, double xVelocity, int ctrlPrecision = 5)
    {
        double expected = forward + (healthy ?? 0) - ctrl - (contact ?? 0);
        Assert.Equal(expected, env.Rewards[0], 4);
        Assert.Equal(forward, env.Infos.Value("reward_forward")[0], 4);
        if (healthy is double h) Assert.Equal((float)h, env.Infos.Value("reward_survive")[0]);
        Assert.Equal(-ctrl, env.Infos.Value("reward_ctrl")[0], ctrlPrecision);
        if (contact is double c) Assert.Equal(-c, env.Infos.Value("reward_contact")[0], 6);
        Assert.Equal((float)xPosition, env.Infos.Value("x_position")[0]);
        Assert.Equal(xVelocity, env.Infos.Value("x_velocity")[0], 4);
        RewardTermsSumToReward(env, 0);
    }

    /// <summary>The reward terms of env <paramref name="i"/> add up to its reward.</summary>
    public static void RewardTermsSumToReward(IVectorEnv env, int i)
    {
        float termSum = 0;
        foreach (var key in env.Infos.RewardTerms) termSum += env.Infos.Value(key)[i];
        Assert.Equal(env.Rewards[i], termSum, 4);
    }

    /// <summary>Steps every env with zero actions and checks that env 0 paid <paramref name="healthyReward"/> and
    /// terminated exactly when <paramref name="terminated"/> says, without being truncated.</summary>
    public static void ZeroActionStep(IVectorEnv env, bool terminated, float healthyReward, string because = "")
    {
        env.Step(new float[env.NumEnvs * env.SingleActionSpace.FlatSize]);
        Assert.True(terminated == env.Terminated[0], $"{because}: expected terminated = {terminated}");
        Assert.False(env.Truncated[0], because);
        Assert.Equal(healthyReward, env.Infos.Value("reward_survive")[0]);
    }

    /// <summary>Steps a reset <paramref name="env"/> <paramref name="steps"/> times with uniform random actions and checks that
    /// observations and rewards stay finite and nothing diverges; returns how many episodes terminated.</summary>
    public static int RandomRolloutStaysFinite(IVectorEnv env, int steps, double actionBound = 1)
    {
        var rng = new SimRandom(7);
        int terminations = 0;
        for (int t = 0; t < steps; t++)
        {
            env.Step(UniformActions.Sample(ref rng, env.NumEnvs * env.SingleActionSpace.FlatSize, actionBound));
            foreach (var o in env.Observations) Assert.True(float.IsFinite(o));
            foreach (var r in env.Rewards) Assert.True(float.IsFinite(r));
            Assert.All(env.Infos.Flag("diverged"), d => Assert.False(d));
            foreach (var done in env.Terminated) terminations += done ? 1 : 0;
        }
        return terminations;
    }

    /// <summary>Builds the env once with one worker thread and once with two, steps both with the same random actions
    /// and checks that observations, rewards and terminations are identical; returns how many episodes terminated.</summary>
    public static int ThreadCountDoesNotChangeTrajectories(Func<VectorEnvOptions, IVectorEnv> make, int steps, double actionBound = 1)
    {
        using var single = make(new VectorEnvOptions { NumThreads = 1 });
        using var dual = make(new VectorEnvOptions { NumThreads = 2 });
        single.Reset(seed: 8);
        dual.Reset(seed: 8);
        var rng = new SimRandom(3);
        int ended = 0;
        for (int t = 0; t < steps; t++)
        {
            var actions = UniformActions.Sample(ref rng, single.NumEnvs * single.SingleActionSpace.FlatSize, actionBound);
            single.Step(actions);
            dual.Step(actions);
            Assert.True(single.Observations.SequenceEqual(dual.Observations), $"observations differ at step {t}");
            Assert.True(single.Rewards.SequenceEqual(dual.Rewards), $"rewards differ at step {t}");
            Assert.True(single.Terminated.SequenceEqual(dual.Terminated), $"terminations differ at step {t}");
            foreach (var done in single.Terminated) ended += done ? 1 : 0;
        }
        return ended;
    }

    /// <summary>Steps <paramref name="env"/> with fixed random actions, 100 steps to warm up and then 300, and checks that
    /// the 300 allocate nothing; returns how many episodes started during them.</summary>
    public static int SteppingAllocatesNothing(IVectorEnv env)
    {
        var actions = new float[env.NumEnvs * env.SingleActionSpace.FlatSize];
        var rng = new SimRandom(1);
        for (int i = 0; i < actions.Length; i++) actions[i] = (float)rng.Uniform(-1, 1);
        for (int t = 0; t < 100; t++) env.Step(actions);
        int resets = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 300; t++)
        {
            env.Step(actions);
            foreach (var started in env.EpisodeStarted) resets += started ? 1 : 0;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        return resets;
    }
}
