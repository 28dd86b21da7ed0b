using System.Runtime.InteropServices;
using Sim.Core;
using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Learning.Training;
using TorchSharp;

namespace Sim.Learning.Tests.Training;

/// <summary>Checks that SAC under the shared training loop resumes from a checkpoint exactly as if it had never stopped.</summary>
public sealed class SacResumeTests
{
    const string EnvId = "Pendulum-v1";
    const long Total = 1_200;
    const long StopAt = 600;

    // Small but complete: 2 envs, learning from step 200, a buffer that wraps before the interruption, and reports
    // every 3 updates with actor updates every 4th, so that the first report after the resume (update 201) carries
    // actor and temperature losses from before the interruption (update 200).
    static SacConfig Config(bool autotune) => new()
    {
        Seed = 7,
        NumEnvs = 2,
        HiddenSize = 32,
        BatchSize = 64,
        LearningStarts = 200,
        BufferSize = 500,
        TotalTimesteps = Total,
        MetricsInterval = 3,
        PolicyFrequency = 4,
        Autotune = autotune,
        TorchThreads = 1,
    };

    static SacTrainer Build(SacConfig config, out IVectorEnv env, string envId = EnvId)
    {
        env = SacEnvironment.Wrap(Envs.Envs.Make(envId, config.NumEnvs, config.Seed, SacEnvironment.Options(threads: 1)));
        return new SacTrainer(env, config) { ChunkSteps = 100 };
    }

    static int[][] ParameterBits(SacTrainer trainer) =>
        trainer.Agent.parameters().Select(p => MemoryMarshal.Cast<float, int>(p.detach().cpu().data<float>().ToArray()).ToArray()).ToArray();

    static string MetricRows(RunDirectory run, string tag) =>
        string.Join("\n", File.ReadLines(run.MetricsPath).Skip(1)
            .Select(l => l.Split(','))
            .Where(f => f[1] == tag)
            .Select(f => f[0] + "," + f[2]));

    static readonly string[] ComparedTags =
    [
        SacMetrics.EpisodicReturnTag, SacMetrics.EpisodicLengthTag, SacMetrics.Qf1LossTag, SacMetrics.Qf2ValuesTag,
        SacMetrics.ActorLossTag, SacMetrics.AlphaTag, SacMetrics.AlphaLossTag,
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_resumed_run_ends_bitwise_equal_to_an_uninterrupted_one(bool autotune) => ResumesBitwise(Config(autotune), EnvId, episodesLogged: 6);

    [Fact]
    public void A_resumed_hindsight_run_ends_bitwise_equal_to_an_uninterrupted_one() =>
        // 50-step episodes of 2 envs: 48 end by step 1200, and the relabelling draws cross the interruption.
        ResumesBitwise(Config(autotune: true) with { Her = Sim.Learning.Replay.HindsightStrategy.Future }, "ArmReach-v1", episodesLogged: 24);

    static void ResumesBitwise(SacConfig config, string envId, int episodesLogged)
    {
        bool autotune = config.Autotune;
        using var scratch = new TempDirectory();

        int[][] expected;
        float[] expectedRewards;
        Dictionary<string, string> expectedRows;
        {
            using var trainer = Build(config, out var env, envId);
            using var _ = env;
            var run = RunDirectory.Create(scratch.Path, EnvId, "sac", config.Seed, DateTimeOffset.FromUnixTimeSeconds(1000));
            new TrainingLoop(trainer, run, checkpointEvery: 300).Run();
            Assert.Equal(Total, trainer.GlobalStep);
            expected = ParameterBits(trainer);
            expectedRewards = trainer.Replay.Rewards.ToArray();
            expectedRows = ComparedTags.ToDictionary(t => t, t => MetricRows(run, t));
        }
        // Episodes of 200 steps in 2 envs end in pairs at steps 400, 800 and 1200: before and after the interruption.
        Assert.Equal(episodesLogged, expectedRows[SacMetrics.EpisodicReturnTag].Split('\n').Length);
        Assert.All(ComparedTags.Where(t => autotune || t != SacMetrics.AlphaLossTag), t => Assert.NotEmpty(expectedRows[t]));

        var interrupted = RunDirectory.Create(scratch.Path, EnvId, "sac", config.Seed, DateTimeOffset.FromUnixTimeSeconds(2000));
        using (var cancel = new CancellationTokenSource())
        {
            using var trainer = Build(config, out var env, envId);
            using var _ = env;
            var loop = new TrainingLoop(trainer, interrupted, checkpointEvery: 300);
            loop.Progress += p => { if (p.GlobalStep >= StopAt) cancel.Cancel(); };
            loop.Run(cancel.Token);
            Assert.Equal(StopAt, trainer.GlobalStep);
            // The buffer has wrapped, so its position and not only its rows must come back.
            Assert.True(trainer.Replay.IsFull);
        }
        {
            using var trainer = Build(config, out var env, envId);
            using var _ = env;
            var loop = new TrainingLoop(trainer, RunDirectory.Open(interrupted.Path), checkpointEvery: 300);
            Assert.Equal(StopAt, loop.Resume());
            Assert.Equal(StopAt, trainer.GlobalStep);
            Assert.Equal((StopAt - config.LearningStarts) / config.NumEnvs, trainer.Updates);
            Assert.Equal(StopAt, trainer.Replay.TotalAdded);
            loop.Run();
            Assert.Equal(Total, trainer.GlobalStep);

            var actual = ParameterBits(trainer);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);
            Assert.Equal(expectedRewards, trainer.Replay.Rewards.ToArray());
        }
        foreach (string tag in ComparedTags) Assert.Equal(expectedRows[tag], MetricRows(interrupted, tag));
    }

    [Fact]
    public void A_chunk_stops_at_the_next_multiple_of_the_chunk_size_and_at_the_budget()
    {
        var config = Config(autotune: true) with { NumEnvs = 3, TotalTimesteps = 250 };
        using var trainer = Build(config, out var env);
        using var _ = env;
        var sink = new NullSink();

        trainer.RunChunk(sink);
        Assert.Equal(102, trainer.GlobalStep); // 34 vector steps of 3: the first to reach 100
        trainer.RunChunk(sink);
        Assert.Equal(201, trainer.GlobalStep);
        trainer.RunChunk(sink);
        Assert.Equal(252, trainer.GlobalStep); // capped by the budget of 250, reached at the 84th vector step
    }

    [Fact]
    public void The_agent_loaded_for_evaluation_acts_like_the_trainer_that_saved_it()
    {
        using var scratch = new TempDirectory();
        var config = Config(autotune: true) with { TotalTimesteps = 300 };
        using var trainer = Build(config, out var env);
        using var _ = env;
        trainer.Train();
        var contents = new CheckpointContents();
        trainer.Save(contents);
        var checkpoint = new CheckpointStore(scratch.Path).Save(trainer.GlobalStep, contents);

        using var agent = SacTrainer.LoadAgent(checkpoint, env, config);

        var observations = new float[] { 1f, 0f, 0.5f, -0.6f, 0.8f, -3f, 0f, -1f, 7f };
        var fromTrainer = new float[3];
        trainer.ActDeterministic(observations, fromTrainer);
        using var input = torch.tensor(observations, new long[] { 3, 3 });
        using var output = agent.Actor.MeanAction(input);
        Assert.Equal(fromTrainer, output.data<float>().ToArray());
        Assert.Equal(trainer.Agent.LogAlpha.item<float>(), agent.LogAlpha.item<float>());
    }

    [Fact]
    public void Loading_a_checkpoint_with_a_tuned_temperature_into_a_fixed_one_is_refused()
    {
        using var scratch = new TempDirectory();
        Checkpoint checkpoint;
        {
            using var trainer = Build(Config(autotune: true) with { TotalTimesteps = 10 }, out var env);
            using var _ = env;
            trainer.Train();
            var contents = new CheckpointContents();
            trainer.Save(contents);
            checkpoint = new CheckpointStore(scratch.Path).Save(trainer.GlobalStep, contents);
        }
        using var fixedAlpha = Build(Config(autotune: false), out var fixedEnv);
        using var __ = fixedEnv;

        var ex = Assert.Throws<InvalidDataException>(() => fixedAlpha.Load(checkpoint));
        Assert.Contains("Autotune is off", ex.Message);
    }

    sealed class NullSink : IMetricSink
    {
        public void Log(string tag, double value, long step) { }
    }
}
