using Sim.Core;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Sac;

namespace Sim.Learning.Tests.Runs;

/// <summary>Each registered algorithm makes a new run's section itself, so <c>sim train</c> needs no switch on the algorithm.</summary>
public class NewRunSectionTests
{
    static NewRunSection Create(string algorithm, string envId, NewRunOptions options)
    {
        using var probe = Envs.Envs.Registry.Spec(envId).Factory(1, VectorEnvOptions.Default);
        var config = new RunConfig { Env = envId, Algorithm = algorithm };
        return RunRegistry.Default.FindAlgorithm(algorithm)!.CreateSection(config, options, probe);
    }

    [Fact]
    public void Ppo_section_takes_the_preset_then_the_options_then_the_overrides()
    {
        var section = Create("ppo", "CartPole-v1", new NewRunOptions
        {
            Seed = 7,
            TotalTimesteps = 1000,
            NumEnvs = 3,
            Preset = PpoPresets.Zoo,
            Overrides = ["gamma=0.9"],
        });
        var ppo = section.Config.Ppo!;
        Assert.Null(section.Config.Sac);
        Assert.Equal(7UL, ppo.Seed);
        Assert.Equal(3, ppo.NumEnvs);
        Assert.Equal(0.9, ppo.Gamma, 12);
        Assert.Equal(1, ppo.TorchThreads);
        Assert.Equal(new AlgorithmSettings(7, 3, "cpu", 1000), section.Settings);
        // CartPole: 4 observation floats and 1 action float, plus 6 per-step scalars, for NumEnvs × NumSteps steps.
        Assert.Equal(3.0 * ppo.NumSteps * (4 + 1 + 6) * sizeof(float), section.StorageBytes);
    }

    [Fact]
    public void Sac_section_sizes_its_replay_buffer_and_refuses_presets_and_discrete_actions()
    {
        var section = Create("sac", "Pendulum-v1", new NewRunOptions { TotalTimesteps = 500, Overrides = ["buffer_size=1000"] });
        var sac = section.Config.Sac!;
        Assert.Null(section.Config.Ppo);
        Assert.Equal(Math.Min(Environment.ProcessorCount, SacRunAlgorithm.DefaultTorchThreads), sac.TorchThreads);
        // Pendulum: 3 observation floats twice, 1 action float, reward and done, for 1000 transitions.
        Assert.Equal(1000.0 * (2 * 3 + 1 + 2) * sizeof(float), section.StorageBytes);

        var preset = Assert.Throws<ArgumentException>(() => Create("sac", "Pendulum-v1", new NewRunOptions { TotalTimesteps = 500, Preset = PpoPresets.Zoo }));
        Assert.Contains("presets apply to --algo ppo only", preset.Message);
        var discrete = Assert.Throws<ArgumentException>(() => Create("sac", "CartPole-v1", new NewRunOptions { TotalTimesteps = 500 }));
        Assert.Contains("continuous Box", discrete.Message);
    }
}
