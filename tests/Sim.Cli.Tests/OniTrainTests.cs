using System.Globalization;
using Sim.LlmStandIn;

namespace Sim.Cli.Tests;

/// <summary><c>sim train --reward oni</c> against the stand-in LLM (a chat-completions server on 127.0.0.1 whose model is a
/// keyword rule), healthy and failing.</summary>
public sealed class OniTrainTests
{
    const string Key = "sk-cli-SECRET-7731";

    static string[] Train(string runs, Uri url, string steps) =>
    [
        "train", "--env", "ReacherSparse-v1", "--algo", "ppo", "--steps", steps, "--checkpoint-every", "2048", "--runs", runs,
        "--reward", "oni", "--oni-model", "retrieval", "--llm-url", url.ToString(), "--llm-model", "stand-in", "--llm-key-env", "SIM_TEST_ONI_KEY",
    ];

    static double LastMetric(string runFolder, string tag) => File.ReadLines(Path.Combine(runFolder, "metrics.csv"))
        .Select(l => l.Split(',')).Where(c => c[1] == tag).Select(c => double.Parse(c[2], CultureInfo.InvariantCulture)).Last();

    [Fact]
    public async Task A_failing_server_leaves_training_running_counts_the_failures_and_the_key_is_written_nowhere()
    {
        using var scratch = new TempDirectory();
        await using var server = await StandInLlmServer.StartAsync();
        server.Behaviour.Set(StandInFault.ServerError);
        var env = new Dictionary<string, string> { ["SIM_TEST_ONI_KEY"] = Key };
        var result = SimCli.Run(scratch.Path, env, Train(Path.Combine(scratch.Path, "runs"), server.BaseUrl, "6144"));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal($"Bearer {Key}", server.LastAuthorization);
        string run = Directory.GetDirectories(Path.Combine(scratch.Path, "runs")).Single();
        Assert.True(LastMetric(run, "oni/failed") > 0);
        Assert.Equal(0, LastMetric(run, "oni/answered"));
        Assert.True(Directory.Exists(Path.Combine(run, "checkpoints", "step_000000006144")), "the run did not reach its budget");
        Assert.Contains("SIM_TEST_ONI_KEY", File.ReadAllText(Path.Combine(run, "config.json")));
        foreach (string file in Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(Key, File.ReadAllText(file));
        Assert.DoesNotContain(Key, result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task A_resumed_run_asks_nothing_it_asked_before()
    {
        using var scratch = new TempDirectory();
        await using var server = await StandInLlmServer.StartAsync();
        string runs = Path.Combine(scratch.Path, "runs");
        var first = SimCli.Run(scratch.Path, Train(runs, server.BaseUrl, "4096"));
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        string run = Directory.GetDirectories(runs).Single();
        Assert.True(LastMetric(run, "oni/answered") > 0);
        int requests = server.Requests;
        var resumed = SimCli.Run(scratch.Path, "train", "--resume", run, "--steps", "8192");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.True(LastMetric(run, "oni/cached") > 0);
        Assert.Equal(requests, server.Requests);
    }
}
