using Sim.Core;
using Sim.Learning.Ppo;

namespace Sim.Learning.Tests.Dmc;

/// <summary>PPO trains on a DeepMind Control-style task through CleanRL's wrapper stack: a few thousand steps, whole
/// 1000-step episodes, every metric finite and every return within the task's [0, 1]-per-step reward.</summary>
public sealed class DmcPpoTests
{
    [Fact]
    public void Ppo_trains_a_few_thousand_steps_on_cheetah_run()
    {
        var config = new PpoConfig { NumEnvs = 2, NumSteps = 512, NumMinibatches = 8, UpdateEpochs = 2, TotalTimesteps = 4096, TorchThreads = 1 };
        IVectorEnv inner = Envs.Envs.Make("CheetahRun-dmc", config.NumEnvs, seed: 1,
            options: new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        var episodes = ShortPpoRun.Train(inner, config);
        // The cheetah never terminates: 2 envs × 2048 steps are 4 whole 1000-step episodes.
        Assert.Equal(4, episodes.Count);
        Assert.All(episodes, e => Assert.Equal(1000, e.Length));
        Assert.All(episodes, e => Assert.InRange(e.Return, 0, 1000));
    }
}
