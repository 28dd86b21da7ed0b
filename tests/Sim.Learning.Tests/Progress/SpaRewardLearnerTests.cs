using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Progress;
using Sim.Learning.Sac;
using Sim.Learning.Tests.Preferences;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Progress;

public sealed class SpaRewardLearnerTests
{
    static (IVectorEnv Chain, SpaRewardLearner Learner) ArmReach(SpaOptions options, int numEnvs = 1)
    {
        var env = Envs.Envs.Make("ArmReach-v1", numEnvs, 3, SacEnvironment.Options(threads: 1));
        var goal = GoalEnvLookup.Find(env, out _)!;
        var learner = new SpaRewardLearner(options, "ArmReach-v1", numEnvs, env.SingleObservationSpace.FlatSize, env.SingleActionSpace.FlatSize,
            goal, seed: 5, firstUpdateStep: 0);
        var chain = learner.WrapEnv(env);
        chain.Reset(3);
        return (chain, learner);
    }

    static void StepZero(IVectorEnv env, int steps)
    {
        var zero = new float[env.NumEnvs * env.SingleActionSpace.FlatSize];
        for (int t = 0; t < steps; t++) env.Step(zero);
    }

    [Fact]
    public void The_reward_is_the_env_reward_plus_the_contribution_plus_grounding_on_a_hand_set_linear_estimator()
    {
        var (chain, learner) = ArmReach(new SpaOptions { HiddenLayers = 0, UpdateEvery = 1 });
        using var chainScope = chain;
        using var learnerScope = learner;
        StepZero(chain, 50); // one whole episode, so the estimator can train once
        Assert.True(learner.TryUpdate(50, new RecordingMetrics()));

        // c(s, a) = Σ_j w_j·x_j + 0.3 over x = obs‖act, with w_j = 0.05·((j mod 5) − 2), set by hand.
        int obs = chain.SingleObservationSpace.FlatSize, act = chain.SingleActionSpace.FlatSize;
        var w = Enumerable.Range(0, obs + act).Select(j => 0.05f * (j % 5 - 2)).ToArray();
        using (no_grad())
            foreach (var (name, parameter) in learner.Estimator.Ensemble.Members[0].named_parameters())
                parameter.copy_(name.EndsWith("bias", StringComparison.Ordinal) ? tensor(new[] { 0.3f }) : tensor(w, new long[] { 1, obs + act }));

        var space = GoalEnvLookup.Find(chain, out _)!.SingleDictObservationSpace;
        int achieved = space.Range(IGoalEnv.AchievedGoalKey).Offset;
        var envReward = chain.Infos.Value(RewardWrapper.EnvRewardKey);
        bool sawGrounding = false, sawNone = false;
        var swing = Enumerable.Range(0, act).Select(j => 0.9f * ((j % 3) - 1) + 0.05f).ToArray();
        foreach (var action in new[] { swing, swing, swing, new float[act], new float[act], new float[act], new float[act], new float[act] })
        {
            var before = chain.Observations.ToArray();
            chain.Step(action);
            var after = chain.Observations.ToArray();
            double c = 0.3;
            for (int j = 0; j < obs; j++) c += w[j] * before[j];
            for (int j = 0; j < act; j++) c += w[obs + j] * action[j];
            double moved = Math.Sqrt(Enumerable.Range(achieved, 3).Sum(k => (after[k] - before[k]) * (double)(after[k] - before[k])));
            double g = moved > 0.005 ? 0.5 : 0;
            sawGrounding |= g > 0;
            sawNone |= g == 0;
            Assert.Equal(envReward[0] + c + g, (double)chain.Rewards[0], 4);
        }
        // Both sides of ε occurred: the arm swung, then came to rest.
        Assert.True(sawGrounding && sawNone, $"grounding fired: {sawGrounding}, stayed off: {sawNone}");
    }

    [Fact]
    public void Before_the_first_update_the_contribution_is_zero()
    {
        var (chain, learner) = ArmReach(new SpaOptions { GroundingWeight = 0 });
        using var chainScope = chain;
        using var learnerScope = learner;
        StepZero(chain, 10);
        Assert.Equal(chain.Infos.Value(RewardWrapper.EnvRewardKey)[0], chain.Rewards[0]);
    }

    [Fact]
    public void Completed_episodes_are_kept_with_their_last_step_success_flag_as_outcome()
    {
        var (chain, learner) = ArmReach(new SpaOptions(), numEnvs: 2);
        using var chainScope = chain;
        using var learnerScope = learner;
        chain.Infos.TryGetFlag(IGoalEnv.SuccessFlag, out var success);
        var lastFlags = new List<bool>();
        var zero = new float[2 * chain.SingleActionSpace.FlatSize];
        for (int t = 0; t < 100; t++)
        {
            chain.Step(zero);
            if (chain.Terminated[0] || chain.Truncated[0]) lastFlags.AddRange(success);
        }
        Assert.Equal(4, learner.Episodes.Count);
        Assert.All(learner.Episodes.Episodes, e => Assert.Equal(50, e.Steps.Length));
        Assert.All(learner.Episodes.Episodes, e => Assert.Equal(50, e.Dense.Length));
        // Env 0 and env 1 end together, and the store keeps them in that order.
        Assert.Equal(lastFlags.Select(f => f ? 1f : 0f), learner.Episodes.Episodes.Select(e => e.Outcome));
    }

    [Fact]
    public void Under_a_delayed_reward_the_outcome_is_the_episode_return_and_the_dense_reward_the_undelayed_one()
    {
        var inner = Envs.Envs.Make("Pendulum-v1", 1, 4, SacEnvironment.Options(threads: 1));
        var delayed = new EpisodicReward(inner);
        using var learner = new SpaRewardLearner(new SpaOptions { Outcome = SpaOutcome.DelayedReturn }, "Pendulum-v1", 1, 3, 1, goal: null, seed: 5, firstUpdateStep: 0);
        using var chain = learner.WrapEnv(delayed);
        chain.Reset(4);
        double sum = 0;
        var undelayed = new List<float>();
        for (int t = 0; t < 200; t++)
        {
            chain.Step([0.5f]);
            undelayed.Add(inner.Rewards[0]);
            sum += inner.Rewards[0];
        }
        var episode = Assert.Single(learner.Episodes.Episodes);
        Assert.Equal(200, episode.Steps.Length);
        Assert.Equal(sum, episode.Outcome, 2);
        Assert.Equal(undelayed, episode.Dense);
        Assert.Null(learner.Grounding);
    }

    [Fact]
    public void A_success_outcome_on_an_env_without_a_success_flag_is_refused()
    {
        using var learner = new SpaRewardLearner(new SpaOptions(), "Pendulum-v1", 1, 3, 1, goal: null, seed: 5, firstUpdateStep: 0);
        using var env = Envs.Envs.Make("Pendulum-v1", 1, 4, SacEnvironment.Options(threads: 1));
        var ex = Assert.Throws<ArgumentException>(() => learner.WrapEnv(env));
        Assert.Contains("is_success", ex.Message);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_value()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SpaRewardLearner(new SpaOptions { GroundingEpsilon = -1 }, "ArmReach-v1", 1, 3, 1, null, 5, 0));
        Assert.Contains("grounding ε = -1", ex.Message);
    }
}
