using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Replay;
using Sim.Rewards.Models;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Rewards.Core;

/// <summary>Checks that the learned reward plugs into Sim.Core's reward wrapper and the replay buffer's relabelling.</summary>
public sealed class LearnedRewardTests
{
    public LearnedRewardTests() => TorchSharp.torch.set_num_threads(1);

    private static RobotRewardModel PendulumModel()
    {
        // Pendulum-v1: 3 observations, 1 action; an untrained model is enough to check the plumbing.
        var config = new RobotRewardModelConfig { Encoder = new StepEncoderConfig(3, 1, HiddenSize: 16, HiddenLayers: 2) };
        return new RobotRewardModel(config);
    }

    [Theory]
    [InlineData(RewardMode.Replace)]
    [InlineData(RewardMode.Add)]
    public void Wrapped_env_reward_is_the_models_batched_reward_with_the_true_reward_kept_in_infos(RewardMode mode)
    {
        const int envs = 4;
        using var model = PendulumModel();
        using var env = LearnedReward.Wrap(Envs.Envs.Make("Pendulum-v1", envs, 3), model, mode, weight: 0.5f);
        env.Reset();
        var actions = new float[envs];
        var obs = new float[envs * 3];
        var expected = new float[envs];
        for (int step = 0; step < 5; step++)
        {
            env.Observations.CopyTo(obs);
            for (int i = 0; i < envs; i++) actions[i] = 0.3f * (i - step);
            model.Rewards(obs, actions, expected);

            env.Step(actions);

            var envRewards = env.Infos.Value(RewardWrapper.EnvRewardKey);
            var learned = env.Infos.Value(RewardWrapper.LearnedRewardKey);
            for (int i = 0; i < envs; i++)
            {
                Assert.Equal(expected[i], learned[i], 6);
                float want = mode == RewardMode.Replace ? 0.5f * expected[i] : envRewards[i] + 0.5f * expected[i];
                Assert.Equal(want, env.Rewards[i], 5);
                Assert.True(envRewards[i] <= 0, "Pendulum's true reward is a cost, never positive");
            }
        }
    }

    [Fact]
    public void A_model_of_another_env_shape_is_refused()
    {
        using var model = new RobotRewardModel(new RobotRewardModelConfig { Encoder = new StepEncoderConfig(5, 1, HiddenSize: 8, HiddenLayers: 1) });
        using var inner = Envs.Envs.Make("Pendulum-v1", 1, 0);
        var error = Assert.Throws<ArgumentException>(() => LearnedReward.Wrap(inner, model));
        Assert.Contains("observation size 3", error.Message);
    }

    [Fact]
    public void Replay_buffer_relabelling_in_chunks_matches_one_batch()
    {
        const int rows = 37;
        var task = new SyntheticPreferences(30);
        var obs = task.Normals(rows * 3);
        var act = task.Normals(rows);
        using var buffer = new ReplayBuffer(64, 3, 1);
        buffer.Add(obs, act, new float[rows], task.Normals(rows * 3), new bool[rows]);
        using var model = PendulumModel();
        var expected = new float[rows];
        model.Rewards(obs, act, expected);

        buffer.RelabelRewards(model.AsRewardFunction(), chunkRows: 8);
        var chunked = new float[rows];
        model.Relabel(obs, act, chunked, chunkRows: 5);

        // Chunks of another size may round differently in the matrix products, so equal up to float precision.
        var relabelled = buffer.Rewards.ToArray();
        for (int i = 0; i < rows; i++)
        {
            Assert.Equal(expected[i], relabelled[i], 1e-5f);
            Assert.Equal(expected[i], chunked[i], 1e-5f);
        }
    }
}
