using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Sim.Labeling.Tests;

/// <summary>People teaching a training run: a scripted labeler in chromium answers every pair
/// <c>sim train --teacher human</c> asks, on the page that run serves, by the oracle's rule, and the run's reward model learns
/// to order held-out pairs the way the true return does.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EndToEndTests(Chromium chromium, ITestOutputHelper output)
{
    // Generous safety nets on a busy machine, not timing assertions.
    static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);
    const float PollMilliseconds = 1_000;

    // PPO-PbRL (Christiano et al.) on HalfCheetah with 200 labels in 10 rounds of 20. --label-wait 0 pauses training until
    // every asked pair is answered, so the labeler is never behind the run and each round trains on every earlier answer.
    static readonly string[] TrainArgs =
    [
        "train", "--env", "HalfCheetah-v5", "--algo", "ppo", "--reward", "preference", "--teacher", "human",
        "--labels", "200", "--labels-per-round", "20", "--label-wait", "0", "--label-port", "0", "--label-clip-size", "64",
        "--steps", "60000", "--checkpoint-every", "1000000", "--seed", "1", "--runs", "runs",
    ];

    [Fact]
    public async Task A_labeler_answering_by_the_oracle_on_the_page_teaches_the_run_a_reward_model_above_80_percent_held_out_accuracy()
    {
        using var folder = new TempDirectory();
        var hooks = new Dictionary<string, string> { ["SIM_LABELING_TEST_HOOKS"] = "1" };
        using var run = LabelingServer.Start(folder.Path, 1, hooks, TrainArgs);
        var (labeler, token) = run.Tokens.Single();
        using var api = new LabelingApi(run.Url);
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{run.Url}/?token={token}");

        int answered = 0;
        var deadline = DateTime.UtcNow + RunTimeout;
        while (!run.HasExited)
        {
            Assert.True(DateTime.UtcNow < deadline, $"training still running after {RunTimeout.TotalMinutes:0} min with {answered} answers\n{run.Output}");
            string lease = await page.EvaluateAsync<string>("() => document.body.dataset.lease || ''");
            if (lease.Length == 0)
            {
                // Nothing to label yet (no round asked, or its clips still rendering): the page asks again by itself.
                try
                {
                    await page.WaitForFunctionAsync("() => document.body.dataset.lease", null, new() { Timeout = PollMilliseconds });
                }
                catch (TimeoutException)
                {
                }
                continue;
            }
            var (status, oracle) = await api.Send(HttpMethod.Get, $"/test-hooks/oracle/{lease}", token);
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            string key = oracle.GetProperty("choice").GetString() switch
            {
                "left" => "ArrowLeft",
                "right" => "ArrowRight",
                "equal" => "ArrowDown",
                var other => throw new InvalidOperationException($"oracle hook answered '{other}'"),
            };
            await page.Keyboard.PressAsync(key);
            await page.WaitForFunctionAsync($"() => document.body.dataset.lease !== '{lease}'", null, new() { Timeout = 60_000 });
            answered++;
        }
        Assert.Equal(0, run.WaitForExit(TimeSpan.FromMinutes(1)));

        // Every answer came from the page: the run's store holds the whole budget, all of it from this labeler.
        string runFolder = Directory.GetDirectories(Path.Combine(folder.Path, "runs")).Single();
        Assert.Equal(200, answered);
        Assert.Equal(200L, StoredLabels(Path.Combine(runFolder, "labels.db"), $"human:{labeler}"));

        var accuracy = HeldOutAccuracy(Path.Combine(runFolder, "metrics.csv"));
        string curve = string.Join(", ", accuracy.Select(a => a.ToString("0.000", CultureInfo.InvariantCulture)));
        output.WriteLine($"held-out accuracy after each reward update: {curve}");
        output.WriteLine(LabelTimes(Path.Combine(runFolder, "labels.db")));
        Assert.True(accuracy.Count >= 2, $"held-out accuracy logged {accuracy.Count} times: {curve}");
        Assert.True(accuracy[^1] > 0.8, $"held-out accuracy ended at {accuracy[^1]:0.000} (labeler {labeler}): {curve}");
        Assert.True(accuracy[^1] > accuracy[0], $"held-out accuracy did not rise: {curve}");
    }

    static long StoredLabels(string storePath, string labelerId)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM labels WHERE labeler = $labeler";
        command.Parameters.AddWithValue("$labeler", labelerId);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    // Where a label's time went, per block of 20 answers: from an answer to the next pair's lease (waiting for clips to be
    // rendered), and from a lease to its answer (the page's answer to "next pair", then the labeler's keypress).
    static string LabelTimes(string storePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (a.id - 1) / 20, avg(a.answered_at_ms - a.shown_at_ms), avg(b.shown_at_ms - a.answered_at_ms)
            FROM labeling_leases a LEFT JOIN labeling_leases b ON b.id = a.id + 1
            WHERE a.answered_at_ms IS NOT NULL GROUP BY 1 ORDER BY 1
            """;
        using var reader = command.ExecuteReader();
        var lines = new List<string> { "answers   lease→answer ms   answer→next lease ms" };
        while (reader.Read())
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetInt64(0) * 20 + 1,3}-{reader.GetInt64(0) * 20 + 20,-3}   {reader.GetDouble(1),14:0}   {(reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2)),20:0}"));
        return string.Join('\n', lines);
    }

    // The preference/held_out_accuracy values of metrics.csv (step,tag,value,wall_time) in the order logged, read here
    // rather than through the run code.
    static List<double> HeldOutAccuracy(string metricsPath) =>
        File.ReadLines(metricsPath).Skip(1)
            .Select(line => line.Split(','))
            .Where(f => f[1] == "preference/held_out_accuracy")
            .Select(f => double.Parse(f[2], CultureInfo.InvariantCulture))
            .ToList();
}
