using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Runs;

public class RunRegistryTests
{
    const string SourceName = "step-count";

    // A learned reward written only for this test: every step is worth Level, and every update raises Level by one.
    sealed class StepCountLearner : IRewardLearner
    {
        public float Level { get; private set; } = 1f;
        public List<long> UpdateSteps { get; } = new();
        public int Wraps { get; private set; }
        public bool Disposed { get; private set; }

        public IVectorEnv WrapEnv(IVectorEnv env)
        {
            Wraps++;
            return new FuncRewardWrapper(env, RewardFunction);
        }

        public TransitionRewardFunction RewardFunction => (_, _, _, rewards) => rewards.Fill(Level);

        public bool TryUpdate(long envStep, IMetricSink metrics)
        {
            UpdateSteps.Add(envStep);
            Level += 1f;
            return true;
        }

        public string Describe() => $"{SourceName} reward at level {Level}";
        public void Save(CheckpointContents contents) => contents.AddJson(SourceName, Level);
        public void Load(Checkpoint checkpoint) => Level = checkpoint.ReadJson<float>(SourceName);
        public void Dispose() => Disposed = true;
    }

    sealed class StepCountSource : IRewardSource
    {
        public List<StepCountLearner> Created { get; } = new();
        public int EvaluationStages { get; private set; }
        public string Name => SourceName;

        public IRewardLearner? CreateLearner(RewardLearnerContext context)
        {
            var learner = new StepCountLearner();
            Created.Add(learner);
            return learner;
        }

        public RewardStage? LoadForEvaluation(RunDefinition run)
        {
            EvaluationStages++;
            return new RewardStage(e => new FuncRewardWrapper(e, (_, _, _, rewards) => rewards.Fill(-1f)), null);
        }
    }

    static readonly PpoConfig SmallPpo = PpoConfig.DiscreteDefaults with
    {
        Seed = 5,
        NumEnvs = 2,
        NumSteps = 32,
        NumMinibatches = 2,
        UpdateEpochs = 1,
        TotalTimesteps = 2 * 2 * 32,
        TorchThreads = 1,
    };

    static float[] Actions(nn.Module policy, Func<Tensor, Tensor> act)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var observations = tensor(new float[] { 0f, 0f, 0f, 0f, 0.1f, -0.5f, 0.05f, 0.8f, -0.1f, 0.5f, -0.05f, -0.8f }, [3, 4]);
        return act(observations).to_type(ScalarType.Float32).cpu().data<float>().ToArray();
    }

    [Fact]
    public void A_reward_source_registered_by_a_test_trains_checkpoints_resumes_and_loads_back_for_evaluation()
    {
        using var scratch = new TempDirectory();
        var registry = RunRegistry.CreateDefault();
        var source = new StepCountSource();
        registry.Register(source);
        Assert.Null(RunRegistry.Default.FindRewardSource(SourceName)); // registering changed nothing shared
        Assert.Contains(SourceName, registry.RewardSourceNames);

        var config = new RunConfig { Env = "CartPole-v1", Algorithm = PpoRunAlgorithm.AlgorithmName, Reward = SourceName, Ppo = SmallPpo };
        var run = new RunDefinition(RunDirectory.Create(scratch.Path, config.Env, config.Algorithm, SmallPpo.Seed, DateTimeOffset.FromUnixTimeSeconds(1000)), config);
        run.Directory.SaveConfig(config);
        long perIteration = SmallPpo.NumEnvs * SmallPpo.NumSteps;

        float[] trainedActions;
        using (var training = registry.BuildTraining(run, Envs.Envs.Registry))
        {
            var learner = Assert.Single(source.Created);
            Assert.Equal(1, learner.Wraps);
            Assert.Contains($"{SourceName} reward", training.Summary);
            new TrainingLoop(training.Trainer, run.Directory, checkpointEvery: perIteration).Run();

            // One update after each PPO iteration, and PPO's last rollout was scored by the learner's level after the first.
            Assert.Equal([perIteration, 2 * perIteration], learner.UpdateSteps);
            var ppo = Assert.IsType<PreferencePpoTrainer>(training.Trainer).Ppo;
            Assert.All(ppo.Rollout.Rewards.cpu().data<float>().ToArray(), r => Assert.Equal(2f, r));
            var actor = ppo.Agent.Actor;
            Assert.Same(actor, training.Policy);
            trainedActions = Actions(actor, o => actor.Mode(o));
        }
        Assert.True(source.Created[0].Disposed);

        var checkpoint = run.Directory.Checkpoints().Latest()!;
        Assert.Equal(2 * perIteration, checkpoint.Step);
        Assert.Equal(3f, checkpoint.ReadJson<float>(SourceName));

        // Resuming builds a new learner and hands it its checkpointed state.
        using (var resumed = registry.BuildTraining(RunDefinition.Load(RunDirectory.Open(run.Directory.Path)), Envs.Envs.Registry))
        {
            Assert.Equal(2 * perIteration, new TrainingLoop(resumed.Trainer, run.Directory, checkpointEvery: perIteration).Resume());
            Assert.Equal(3f, source.Created[1].Level);
        }

        // Evaluation rebuilds the source's reward stage (PPO's checkpoints hold the env chain's state) and the trained policy.
        using var policy = registry.LoadPolicy(RunDefinition.Load(run.Directory), checkpoint, Envs.Envs.Registry);
        Assert.Equal(1, source.EvaluationStages);
        Assert.NotNull(((VectorEnvWrapper)policy.Env).Find<FuncRewardWrapper>());
        policy.Env.Reset(99);
        policy.Env.Step(new float[policy.Env.NumEnvs]);
        Assert.All(policy.Env.Rewards.ToArray(), r => Assert.Equal(-1f, r));
        Assert.Equal(trainedActions, Actions(policy.Network.Module, policy.Act));
    }

    [Fact]
    public void A_config_naming_an_unregistered_algorithm_or_reward_fails_naming_the_file_and_the_registered_names()
    {
        using var scratch = new TempDirectory();
        var directory = RunDirectory.Create(scratch.Path, "CartPole-v1", "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1000));
        var registry = RunRegistry.CreateDefault();

        var algorithm = new RunDefinition(directory, new RunConfig { Env = "CartPole-v1", Algorithm = "dqn", Ppo = SmallPpo });
        var e = Assert.Throws<InvalidDataException>(() => registry.BuildTraining(algorithm, Envs.Envs.Registry));
        Assert.Equal($"'{directory.ConfigPath}' names algorithm 'dqn': expected one of ppo, sac", e.Message);

        var reward = new RunDefinition(directory, new RunConfig { Env = "CartPole-v1", Algorithm = "ppo", Reward = "llm", Ppo = SmallPpo });
        e = Assert.Throws<InvalidDataException>(() => registry.BuildTraining(reward, Envs.Envs.Registry));
        Assert.Equal($"'{directory.ConfigPath}' names reward 'llm': expected one of env, preference, oni, potential, spa", e.Message);

        var section = new RunDefinition(directory, new RunConfig { Env = "CartPole-v1", Algorithm = "sac", Ppo = SmallPpo });
        e = Assert.Throws<InvalidDataException>(() => registry.BuildTraining(section, Envs.Envs.Registry));
        Assert.Equal($"'{directory.ConfigPath}' has no sac section for algorithm 'sac'", e.Message);

        Assert.Throws<ArgumentException>(() => registry.Register(new PreferenceRewardSource()));
    }
}
