using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Learning.Sac;
using Sim.Rewards.Robot;
using Sim.Rewards.Labels;
using Sim.Rewards.Models;
using Sim.Rewards.Queries;
using TorchSharp;

namespace Sim.Learning.Tests.Preferences;

/// <summary>Runs the two preference-learning loops end to end on small budgets and checks what they must do: ask on
/// schedule, store every answer, retrain, relabel (SAC), and keep the true reward beside the learned one.</summary>
public sealed class PreferenceTrainerTests
{
    [Fact]
    public void Christiano_ppo_asks_on_schedule_stores_every_answer_and_reports_the_true_reward_beside_the_learned_one()
    {
        using var scratch = new TempDirectory();
        var config = new PpoConfig { Seed = 4, NumEnvs = 2, NumSteps = 200, NumMinibatches = 2, UpdateEpochs = 1, TotalTimesteps = 4 * 400, TorchThreads = 1 };
        var options = SmallPreferenceRuns.Options(labels: 20);
        // Pendulum episodes last 200 steps, so two envs finish two episodes with the first 400-step rollout.
        var schedule = options.ResolveSchedule(config.TotalTimesteps, defaultFirstRound: config.BatchSize) with { Interval = 400 };
        var inner = Envs.Envs.Make("Pendulum-v1", config.NumEnvs, config.Seed, PpoEnvironment.Options(threads: 1));
        var learner = SmallPreferenceRuns.Learner(scratch, inner, options, schedule);
        using var env = PpoEnvironment.Wrap(inner, config, e => PreferenceEnvironment.Wrap(e, learner));
        using var trainer = new PreferencePpoTrainer(new PpoTrainer(env, config), learner);
        var metrics = new RecordingMetrics();

        while (trainer.GlobalStep < trainer.TotalTimesteps) trainer.RunChunk(metrics);

        Assert.Equal(20, learner.LabelsUsed);
        Assert.True(learner.HasTrainedModel);
        Assert.Equal(new[] { 10.0, 20.0 }, metrics.Values(PreferenceMetrics.LabelsTag).ToArray());
        Assert.Equal(2, metrics.Values("reward/accuracy").Count());
        Assert.All(metrics.Values(PreferenceMetrics.HeldOutAccuracyTag), a => Assert.InRange(a, 0, 1));
        Assert.All(metrics.Values(PreferenceMetrics.RewardCorrelationTag), c => Assert.InRange(c, -1, 1));
        // The episode statistics beneath the learned reward still see Pendulum's own (negative) return.
        Assert.All(metrics.Values(PpoIterationMetrics.EpisodicReturnTag), r => Assert.True(r < 0, $"episodic return {r}"));

        using (var store = SegmentCodec.OpenStore(scratch.File("labels.db")))
        {
            Assert.Equal(20, store.GetCounts().Labels);
            Assert.Equal(20, store.GetLabeledPairs().Count);
        }
        // The latest model is on disk and scores exactly like the one in memory.
        using var saved = RobotRewardModel.Load(scratch.File("reward_model.bin"));
        float[] obs = [1f, 0f, 0.5f, 0f, 1f, -0.5f];
        float[] act = [0.3f, -1f];
        var fromMemory = new float[2];
        var fromDisk = new float[2];
        learner.Model.Rewards(obs, act, fromMemory);
        saved.Rewards(obs, act, fromDisk);
        Assert.Equal(fromMemory, fromDisk);

        // The env's own reward is kept in the info column, and the policy's reward is the model's.
        var wrapper = Assert.IsAssignableFrom<VectorEnvWrapper>(env).Find<FuncRewardWrapper>()!;
        Assert.True(wrapper.Infos.TryGetValue(RewardWrapper.EnvRewardKey, out var envReward));
        Assert.True(envReward.All(r => r <= 0), "Pendulum's own reward is never positive");
    }

    [Fact]
    public void Pebble_relabels_the_whole_replay_buffer_with_the_learned_reward_after_its_first_round()
    {
        using var scratch = new TempDirectory();
        var config = new SacConfig { Seed = 4, NumEnvs = 1, HiddenSize = 16, BatchSize = 32, LearningStarts = 100, BufferSize = 2_000, TotalTimesteps = 800, TorchThreads = 1 };
        var options = SmallPreferenceRuns.Options(labels: 10) with { UnsupervisedSteps = 300 };
        // Two 200-step episodes exist by step 400, when the random and unsupervised phases end.
        var schedule = options.ResolveSchedule(config.TotalTimesteps, config.LearningStarts + options.UnsupervisedSteps);
        Assert.Equal(400, schedule.FirstRoundStep);
        var inner = Envs.Envs.Make("Pendulum-v1", 1, config.Seed, SacEnvironment.Options(threads: 1));
        var learner = SmallPreferenceRuns.Learner(scratch, inner, options, schedule);
        using var env = SacEnvironment.Wrap(inner, e => PreferenceEnvironment.Wrap(e, learner));
        using var trainer = new PebbleTrainer(new SacTrainer(env, config) { ChunkSteps = 100 }, learner);
        var metrics = new RecordingMetrics();

        while (trainer.GlobalStep < 400) trainer.RunChunk(metrics);
        // During unsupervised pre-training the updates use the state-entropy bonus, and no label has been asked yet
        // until the chunk that reaches step 400 ends.
        Assert.Equal(10, learner.LabelsUsed);
        Assert.True(learner.HasTrainedModel);
        Assert.Null(trainer.Sac.BatchRewards);

        // Every stored reward is now the model's reward for that row.
        var replay = trainer.Sac.Replay;
        var expected = new float[replay.Count];
        learner.Model.Rewards(replay.Observations, replay.Actions, expected);
        AssertClose(expected, replay.Rewards.ToArray());

        while (trainer.GlobalStep < trainer.TotalTimesteps) trainer.RunChunk(metrics);
        // New transitions enter with the learned reward too.
        var all = new float[replay.Count];
        learner.Model.Rewards(replay.Observations, replay.Actions, all);
        AssertClose(all, replay.Rewards.ToArray());
        Assert.NotEmpty(metrics.Values(SacMetrics.EpisodicReturnTag));
        Assert.All(metrics.Values(SacMetrics.EpisodicReturnTag), r => Assert.True(r < 0, $"episodic return {r}"));
    }

    // Relabelling scores the buffer in chunks and the check scores it in one batch; BLAS may sum in another order.
    static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"row {i}: {actual[i]} vs {expected[i]}");
    }
}
