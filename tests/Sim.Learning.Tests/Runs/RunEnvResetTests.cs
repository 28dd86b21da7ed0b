using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Wrappers;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Sac;

namespace Sim.Learning.Tests.Runs;

public class RunEnvResetTests
{
    // Counts the resets that reach the registry's env, with their seeds.
    sealed class ResetCounter(IVectorEnv inner, List<ulong?> resets) : VectorEnvWrapper(inner)
    {
        public override void Reset(ulong? seed = null)
        {
            resets.Add(seed);
            base.Reset(seed);
        }

        protected override void SaveWrapperState(BinaryWriter writer) { }
        protected override void LoadWrapperState(BinaryReader reader) { }
    }

    static RunConfig Config(string algorithm, string counted) => algorithm == PpoRunAlgorithm.AlgorithmName
        ? new RunConfig { Env = counted, Algorithm = algorithm, Ppo = PpoConfig.DiscreteDefaults with { Seed = 11, NumEnvs = 3, NumSteps = 16, NumMinibatches = 2, TotalTimesteps = 96, TorchThreads = 1 } }
        : new RunConfig { Env = counted, Algorithm = algorithm, Sac = new SacConfig { Seed = 11, NumEnvs = 3, BufferSize = 100, HiddenSize = 8, TotalTimesteps = 96, TorchThreads = 1 } };

    [Theory]
    [InlineData("ppo", "CartPole-v1")]
    [InlineData("sac", "Pendulum-v1")]
    public void Training_resets_the_envs_once_with_the_run_seed_and_steps_them_as_a_seeded_registry_env_would(string algorithm, string envId)
    {
        var resets = new List<ulong?>();
        var real = Envs.Envs.Registry.Spec(envId);
        var envs = new EnvRegistry();
        envs.Register(new EnvSpec("Counted-v0", (n, options) => new ResetCounter(real.Factory(n, options), resets), real.MaxEpisodeSteps));
        using var scratch = new TempDirectory();
        var config = Config(algorithm, "Counted-v0");
        var run = new RunDefinition(RunDirectory.Create(scratch.Path, envId, algorithm, 11, DateTimeOffset.FromUnixTimeSeconds(1000)), config);

        using var training = RunRegistry.CreateDefault().BuildTraining(run, envs);
        Assert.Equal([11UL], resets);

        // Env i seeded with 11 + i, exactly as Make seeds it: the same observations, bit for bit, through 40 steps.
        using var reference = Envs.Envs.Make(envId, 3, 11, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        var actions = new float[3 * reference.SingleActionSpace.FlatSize];
        for (int step = 0; step < 40; step++)
        {
            Assert.Equal(reference.Observations.ToArray(), training.Env.Observations.ToArray());
            for (int i = 0; i < actions.Length; i++) actions[i] = (step + i) % 2 == 0 ? 1f : 0f;
            reference.Step(actions);
            training.Env.Step(actions);
        }
        Assert.Equal([11UL], resets);
    }
}
