using System.Text.Json;

namespace Sim.Cli.Tests;

/// <summary><c>sim train --reward spa</c> with the estimator's settings changed (<c>--spa-sampled-steps</c>, <c>--spa-set</c>):
/// the run trains with them, says so, and records them in config.json, where a resume reads them back.</summary>
public sealed class SpaSettingsRecordedTests
{
    [Fact]
    public void Sampled_steps_and_spa_set_overrides_reach_the_run_and_its_config()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, ["train", "--env", "Hopper-v1", "--algo", "ppo", "--steps", "256", "--runs", "runs",
            "--set", "num_steps=64", "--set", "num_minibatches=2", "--delayed-reward", "--reward", "spa", "--spa-update-every", "64",
            "--spa-sampled-steps", "8", "--spa-set", "hidden_layers=1", "--spa-set", "hidden_size=24", "--spa-set", "epochs_per_update=3"]);
        result.AssertSucceeded();
        Assert.Contains("sums of 8 random steps (RRD)", result.Stdout.Replace("\n", " ").Replace("  ", " "));

        string run = Directory.GetDirectories(Path.Combine(cwd.Path, "runs")).Single();
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        var spa = config.RootElement.GetProperty("Spa");
        Assert.Equal(8, spa.GetProperty("SampledSteps").GetInt32());
        Assert.Equal(1, spa.GetProperty("HiddenLayers").GetInt32());
        Assert.Equal(24, spa.GetProperty("HiddenSize").GetInt32());
        Assert.Equal(3, spa.GetProperty("EpochsPerUpdate").GetInt32());
        Assert.Equal(64, spa.GetProperty("UpdateEvery").GetInt64());
        // The estimator trained: its metrics are there.
        Assert.Contains("spa/estimator_loss", File.ReadAllText(Path.Combine(run, "metrics.csv")));
    }
}
