using System.Text.Json;

namespace Sim.Cli.Tests;

/// <summary>Whether <c>sim train --reward spa</c> keeps the env's reward beside c_t + g_t: kept by default, dropped by
/// default under <c>--delayed-reward</c> (where the env's reward is the return c_t already adds up to), and whatever
/// <c>--spa-env-reward</c> says otherwise, as recorded in config.json.</summary>
public sealed class SpaEnvRewardDefaultTests
{
    [Theory]
    [InlineData("ArmReach-v1", false, null, true)]
    [InlineData("ArmReach-v1", false, "drop", false)]
    [InlineData("Hopper-v1", true, null, false)]
    [InlineData("Hopper-v1", true, "keep", true)]
    public void The_run_records_whether_the_env_reward_is_kept(string env, bool delayed, string? option, bool expectedKeep)
    {
        using var cwd = new TempDirectory();
        var args = new List<string> { "train", "--env", env, "--algo", "ppo", "--steps", "128", "--reward", "spa", "--runs", "runs",
            "--set", "num_steps=64", "--set", "num_minibatches=2" };
        if (delayed) args.Add("--delayed-reward");
        if (option is not null) args.AddRange(["--spa-env-reward", option]);
        var result = SimCli.Run(cwd.Path, [.. args]);
        result.AssertSucceeded();

        string run = Directory.GetDirectories(Path.Combine(cwd.Path, "runs")).Single();
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(expectedKeep, config.RootElement.GetProperty("Spa").GetProperty("KeepEnvReward").GetBoolean());
    }
}
