using Sim.Core;
using Sim.Envs;
using Sim.Learning.Ppo;

namespace Sim.Learning.Tests.Mjcf;

/// <summary>PPO trains on an env built from a user's MJCF file with the default task, through CleanRL's wrapper stack.</summary>
public sealed class MjcfPpoTests
{
    [Fact]
    public void Ppo_trains_a_few_thousand_steps_on_a_custom_mjcf_robot()
    {
        var folder = Directory.CreateTempSubdirectory("sim-mjcf-ppo-");
        try
        {
            string path = Path.Combine(folder.FullName, "crawler.xml");
            File.WriteAllText(path, EnvAssets.ReadText("crawler.xml"));
            var config = new PpoConfig { NumEnvs = 2, NumSteps = 512, NumMinibatches = 8, UpdateEpochs = 2, TotalTimesteps = 4096, TorchThreads = 1 };
            IVectorEnv inner = Envs.Envs.FromMjcf(path, config.NumEnvs, seed: 1,
                options: new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep }, maxEpisodeSteps: 200);
            var episodes = ShortPpoRun.Train(inner, config);

            // The crawler never terminates, so every episode is cut by the 200-step limit: 2 envs × 4096 / 2 / 200.
            Assert.Equal(20, episodes.Count);
            Assert.All(episodes, e => Assert.Equal(200, e.Length));
            Assert.All(episodes, e => Assert.True(double.IsFinite(e.Return)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
