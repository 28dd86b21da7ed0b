using System.Text.Json;

namespace Sim.Cli.Tests;

/// <summary>How many CPU threads <c>sim train</c> gives torch: 1 for PPO, up to 2 for SAC, or what --torch-threads says,
/// recorded in config.json so that a resumed run keeps it.</summary>
public sealed class TorchThreadsTests
{
    [Theory]
    [InlineData("ppo", null, 1)]
    [InlineData("sac", null, null)]
    [InlineData("sac", "1", 1)]
    [InlineData("ppo", "2", 2)]
    public void The_run_records_the_torch_threads_it_used(string algo, string? option, int? expectedThreads)
    {
        // No expected count: SAC's default, which is the machine's core count capped at 2.
        int expected = expectedThreads ?? Math.Min(Environment.ProcessorCount, 2);
        using var cwd = new TempDirectory();
        var args = new List<string> { "train", "--env", "Pendulum-v1", "--algo", algo, "--steps", "256", "--num-envs", "1", "--runs", "runs" };
        if (algo == "ppo") args.AddRange(["--set", "num_steps=128", "--set", "num_minibatches=2"]);
        if (option is not null) args.AddRange(["--torch-threads", option]);
        var result = SimCli.Run(cwd.Path, [.. args]);
        result.AssertSucceeded();

        string run = Directory.GetDirectories(Path.Combine(cwd.Path, "runs")).Single();
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        var algorithm = config.RootElement.GetProperty(algo == "ppo" ? "Ppo" : "Sac");
        Assert.Equal(expected, algorithm.GetProperty("TorchThreads").GetInt32());
    }
}
