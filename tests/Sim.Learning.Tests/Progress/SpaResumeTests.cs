using System.Runtime.InteropServices;
using Sim.Core;
using Sim.Learning.Preferences;
using Sim.Learning.Progress;
using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Learning.Training;

namespace Sim.Learning.Tests.Progress;

/// <summary>SAC with hindsight replay on SPA's reward, under the shared training loop: a run stopped half way and resumed
/// ends exactly as an uninterrupted one, the estimator, its optimizer and its episodes included.</summary>
public sealed class SpaResumeTests
{
    const string EnvId = "ArmReach-v1";
    const long Total = 1_200;
    const long StopAt = 600;

    static readonly SacConfig Config = new()
    {
        Seed = 7,
        NumEnvs = 2,
        HiddenSize = 32,
        BatchSize = 64,
        LearningStarts = 200,
        BufferSize = 2_000,
        TotalTimesteps = Total,
        MetricsInterval = 3,
        PolicyFrequency = 4,
        TorchThreads = 1,
        Her = Sim.Learning.Replay.HindsightStrategy.Future,
    };

    // Updates every 200 steps from step 200, so updates fall before and after the interruption and the episodes
    // (50 steps, 2 envs) kept at the interruption are trained on after it.
    static readonly SpaOptions Options = new() { UpdateEvery = 200, HiddenSize = 16, EpochsPerUpdate = 3, BatchSize = 8 };

    static PebbleTrainer Build(SpaOptions options, out IVectorEnv env, out SpaRewardLearner learner)
    {
        var raw = Envs.Envs.Make(EnvId, Config.NumEnvs, Config.Seed, SacEnvironment.Options(threads: 1));
        var goal = GoalEnvLookup.Find(raw, out _);
        learner = new SpaRewardLearner(options, EnvId, Config.NumEnvs, raw.SingleObservationSpace.FlatSize, raw.SingleActionSpace.FlatSize, goal, Config.Seed, Config.LearningStarts);
        env = SacEnvironment.Wrap(raw, learner.WrapEnv);
        var sac = new SacTrainer(env, Config, hindsightReward: learner.HindsightReward) { ChunkSteps = 100 };
        return new PebbleTrainer(sac, learner);
    }

    static int[][] Bits(IEnumerable<TorchSharp.torch.Tensor> parameters) =>
        parameters.Select(p => MemoryMarshal.Cast<float, int>(p.detach().cpu().data<float>().ToArray()).ToArray()).ToArray();

    static string MetricRows(RunDirectory run, string tag) =>
        string.Join("\n", File.ReadLines(run.MetricsPath).Skip(1).Select(l => l.Split(',')).Where(f => f[1] == tag).Select(f => f[0] + "," + f[2]));

    static readonly string[] ComparedTags =
        ["spa/estimator_loss", "spa/sum_error", "spa/episodes", "spa/corr_dense", "spa/grounding_rate", SacMetrics.Qf1LossTag, SacMetrics.ActorLossTag, SacMetrics.EpisodicReturnTag];

    // 0 fits whole episodes; 20 fits random 20-step subsets of the 50-step episodes (RRD), drawn anew at every update.
    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public void A_resumed_spa_run_ends_bitwise_equal_to_an_uninterrupted_one(int sampledSteps)
    {
        var options = Options with { SampledSteps = sampledSteps };
        using var scratch = new TempDirectory();
        int[][] expectedAgent, expectedEstimator;
        float[] expectedRewards;
        Dictionary<string, string> expectedRows;
        {
            using var trainer = Build(options, out var env, out var learner);
            using var _ = env;
            var run = RunDirectory.Create(scratch.Path, EnvId, "sac", Config.Seed, DateTimeOffset.FromUnixTimeSeconds(1000));
            new TrainingLoop(trainer, run, checkpointEvery: 300).Run();
            expectedAgent = Bits(trainer.Sac.Agent.parameters());
            expectedEstimator = Bits(learner.Estimator.Ensemble.Members[0].parameters());
            expectedRewards = trainer.Sac.Replay.Rewards.ToArray();
            expectedRows = ComparedTags.ToDictionary(t => t, t => MetricRows(run, t));
            Assert.Equal(Total / 50, learner.Episodes.Completed);
        }
        // Updates at 200, 400, …, 1200: six rows of each estimator metric, three of them after the interruption.
        Assert.Equal(6, expectedRows["spa/estimator_loss"].Split('\n').Length);
        Assert.All(ComparedTags, t => Assert.NotEmpty(expectedRows[t]));

        var interrupted = RunDirectory.Create(scratch.Path, EnvId, "sac", Config.Seed, DateTimeOffset.FromUnixTimeSeconds(2000));
        using (var cancel = new CancellationTokenSource())
        {
            using var trainer = Build(options, out var env, out var unused);
            using var _ = env;
            var loop = new TrainingLoop(trainer, interrupted, checkpointEvery: 300);
            loop.Progress += p => { if (p.GlobalStep >= StopAt) cancel.Cancel(); };
            loop.Run(cancel.Token);
            Assert.Equal(StopAt, trainer.GlobalStep);
        }
        {
            using var trainer = Build(options, out var env, out var learner);
            using var _ = env;
            var loop = new TrainingLoop(trainer, RunDirectory.Open(interrupted.Path), checkpointEvery: 300);
            Assert.Equal(StopAt, loop.Resume());
            Assert.Equal(StopAt / 50, learner.Episodes.Completed);
            loop.Run();
            Assert.Equal(expectedAgent, Bits(trainer.Sac.Agent.parameters()));
            Assert.Equal(expectedEstimator, Bits(learner.Estimator.Ensemble.Members[0].parameters()));
            Assert.Equal(expectedRewards, trainer.Sac.Replay.Rewards.ToArray());
        }
        foreach (string tag in ComparedTags) Assert.Equal(expectedRows[tag], MetricRows(interrupted, tag));
    }
}
