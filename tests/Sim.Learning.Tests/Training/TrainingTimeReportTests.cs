using System.Text.Json;
using Sim.Core;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Learning.Training;

namespace Sim.Learning.Tests.Training;

/// <summary>Checks the learner-overhead report: every phase is timed, the shares fit in the wall time, and the report lands in the run folder.</summary>
public sealed class TrainingTimeReportTests
{
    [Fact]
    public void A_ppo_run_reports_env_inference_and_update_time_within_its_wall_time()
    {
        using var scratch = new TempDirectory();
        var config = PpoConfig.DiscreteDefaults with { Seed = 1, NumEnvs = 4, NumSteps = 32, NumMinibatches = 2, UpdateEpochs = 1, TotalTimesteps = 3 * 4 * 32, TorchThreads = 1 };
        using var env = PpoEnvironment.Wrap(Envs.Envs.Make("CartPole-v1", config.NumEnvs, config.Seed, PpoEnvironment.Options(threads: 1)), config);
        using var trainer = new PpoTrainer(env, config);
        var run = RunDirectory.Create(scratch.Path, "CartPole-v1", "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1000));
        var loop = new TrainingLoop(trainer, run, checkpointEvery: 1_000_000);

        loop.Run();

        var report = Assert.IsType<TrainingTimeReport>(loop.LastTimeReport);
        AssertConsistent(report, expectedSteps: 3 * 4 * 32);
        // The phases are timed around disjoint regions, so their sum cannot exceed the wall time they sit in.
        Assert.True(trainer.Phases.Env + trainer.Phases.Inference + trainer.Phases.Update <= TimeSpan.FromSeconds(report.WallSeconds));
        Assert.Equal(3 * 4 * 32, trainer.Phases.EnvSteps);

        var saved = JsonSerializer.Deserialize<TrainingTimeReport>(File.ReadAllText(run.TimingPath));
        Assert.Equal(report, saved);
    }

    [Fact]
    public void A_sac_run_times_updates_only_after_learning_starts()
    {
        using var scratch = new TempDirectory();
        var config = new SacConfig { Seed = 2, NumEnvs = 1, HiddenSize = 16, BatchSize = 32, LearningStarts = 100, BufferSize = 1000, TotalTimesteps = 100, TorchThreads = 1 };
        using var env = SacEnvironment.Wrap(Envs.Envs.Make("Pendulum-v1", 1, config.Seed, SacEnvironment.Options(threads: 1)));
        using var trainer = new SacTrainer(env, config);

        trainer.Train(); // all 100 steps are warm-up: random actions, no updates
        Assert.Equal(TimeSpan.Zero, trainer.Phases.Update);
        Assert.True(trainer.Phases.Env > TimeSpan.Zero);
        Assert.Equal(100, trainer.Phases.EnvSteps);
    }

    static void AssertConsistent(TrainingTimeReport report, long expectedSteps)
    {
        Assert.Equal(expectedSteps, report.EnvSteps);
        Assert.True(report.EnvShare > 0 && report.InferenceShare > 0 && report.UpdateShare > 0, $"every phase should take time: {report}");
        Assert.InRange(report.EnvShare + report.InferenceShare + report.UpdateShare + report.OtherShare, 0.999, 1.001);
        Assert.Equal(report.EnvSteps / report.WallSeconds, report.TrainingStepsPerSecond, 6);
        // Stepping alone is faster than stepping plus learning, so the overhead is above 1.
        Assert.True(report.Overhead > 1, $"overhead {report.Overhead}");
    }
}
