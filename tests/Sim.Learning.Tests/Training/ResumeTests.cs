using Sim.Core;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using TorchSharp;

namespace Sim.Learning.Tests.Training;

public class ResumeTests
{
    sealed class Scratch : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("sim-resume-").FullName;
        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    static PpoConfig Config(string envId, long iterations) => (envId == "CartPole-v1" ? PpoConfig.DiscreteDefaults : new PpoConfig()) with
    {
        Seed = 3,
        NumEnvs = 4,
        NumSteps = 64,
        NumMinibatches = 4,
        UpdateEpochs = 2,
        TotalTimesteps = iterations * 4 * 64,
        TorchThreads = 1,
    };

    static PpoTrainer Build(string envId, PpoConfig config, out IVectorEnv env)
    {
        env = PpoEnvironment.Wrap(Envs.Envs.Make(envId, config.NumEnvs, config.Seed, PpoEnvironment.Options(threads: 1)), config);
        return new PpoTrainer(env, config);
    }

    static float[][] Parameters(PpoTrainer trainer) =>
        trainer.Agent.parameters().Select(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Theory]
    [InlineData("CartPole-v1")]   // discrete, no normalisation
    [InlineData("Pendulum-v1")]   // continuous, under the observation and reward normalisers
    public void A_resumed_run_ends_bitwise_equal_to_an_uninterrupted_one(string envId)
    {
        using var scratch = new Scratch();
        var config = Config(envId, iterations: 4);
        long perIteration = config.NumEnvs * config.NumSteps;

        // Uninterrupted: four iterations in one go.
        float[][] expected;
        string expectedReturns;
        {
            using var trainer = Build(envId, config, out var env);
            using var _ = env;
            var run = RunDirectory.Create(scratch.Root, envId, "ppo", 3, DateTimeOffset.FromUnixTimeSeconds(1000));
            new TrainingLoop(trainer, run, checkpointEvery: perIteration).Run();
            expected = Parameters(trainer);
            expectedReturns = MetricRows(run, "charts/episodic_return");
        }

        // Interrupted after two iterations, then resumed in a fresh process-like setup.
        var interrupted = RunDirectory.Create(scratch.Root, envId, "ppo", 3, DateTimeOffset.FromUnixTimeSeconds(2000));
        using (var cancel = new CancellationTokenSource())
        {
            using var trainer = Build(envId, config, out var env);
            using var _ = env;
            var loop = new TrainingLoop(trainer, interrupted, checkpointEvery: perIteration);
            loop.Progress += p => { if (p.GlobalStep >= 2 * perIteration) cancel.Cancel(); };
            loop.Run(cancel.Token);
            Assert.Equal(2 * perIteration, trainer.GlobalStep);
        }
        {
            using var trainer = Build(envId, config, out var env);
            using var _ = env;
            var loop = new TrainingLoop(trainer, RunDirectory.Open(interrupted.Path), checkpointEvery: perIteration);
            Assert.Equal(2 * perIteration, loop.Resume());
            Assert.Equal(2, trainer.Iteration);
            loop.Run();
            Assert.Equal(4 * perIteration, trainer.GlobalStep);
            var actual = Parameters(trainer);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);
        }
        // The resumed run's metrics continue without gaps or duplicates and match the uninterrupted run's.
        Assert.Equal(expectedReturns, MetricRows(interrupted, "charts/episodic_return"));
    }

    static string MetricRows(RunDirectory run, string tag) =>
        string.Join("\n", File.ReadLines(run.MetricsPath).Skip(1)
            .Select(l => l.Split(','))
            .Where(f => f[1] == tag)
            .Select(f => f[0] + "," + f[2]));
}
