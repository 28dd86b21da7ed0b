using System.Globalization;
using Microsoft.Playwright;

namespace Sim.Labeling.Tests;

/// <summary>The labeling page in Debian's chromium: keyboard labeling, undo, reload, playing clips in sync, leases between
/// two labelers and gold accuracy.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(Chromium chromium)
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    // The stored label for a shown answer, worked out here from the lease's recorded sides: Left 0, Right 1, Equal 2.
    static long Canonical(string key, bool flipped) => key switch
    {
        "ArrowLeft" => flipped ? 1 : 0,
        "ArrowRight" => flipped ? 0 : 1,
        "ArrowDown" => 2,
        _ => throw new ArgumentException(key),
    };

    internal static async Task<IPage> Open(IBrowserContext context, LabelingServer server, string labeler)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{server.Url}/?token={server.Tokens[labeler]}");
        await ShownPair(page);
        return page;
    }

    internal static async Task<long> ShownPair(IPage page)
    {
        await page.WaitForFunctionAsync("() => document.body.dataset.pair", null, new() { Timeout = (float)Wait.TotalMilliseconds });
        return long.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.pair"), CultureInfo.InvariantCulture);
    }

    internal static async Task<long> Lease(IPage page) => long.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.lease"), CultureInfo.InvariantCulture);

    // Presses a key and waits until the page shows a different lease (the answer was stored and the next pair leased).
    internal static async Task Answer(IPage page, string key)
    {
        long before = await Lease(page);
        await page.Keyboard.PressAsync(key);
        await page.WaitForFunctionAsync($"() => document.body.dataset.lease && document.body.dataset.lease !== '{before}'", null, new() { Timeout = (float)Wait.TotalMilliseconds });
    }

    [Fact]
    public async Task Keyboard_alone_labels_three_pairs_which_survive_a_reload_and_undo_takes_the_last_back()
    {
        await using var one = await OneLabeler.Open(chromium, pairs: 5);
        var (workspace, page) = (one.Workspace, one.Page);

        var shown = new List<(long Pair, long Lease, string Key)>();
        foreach (string key in new[] { "ArrowLeft", "ArrowRight", "ArrowDown" })
        {
            shown.Add((await ShownPair(page), await Lease(page), key));
            await Answer(page, key);
        }
        Assert.Equal(3, shown.Select(s => s.Pair).Distinct().Count());

        await page.ReloadAsync();
        await ShownPair(page);
        await page.WaitForFunctionAsync("() => document.getElementById('progress').textContent.includes('you: 3')", null, new() { Timeout = (float)Wait.TotalMilliseconds });
        foreach (var (pair, lease, key) in shown)
        {
            bool flipped = workspace.Scalar($"SELECT flipped FROM labeling_leases WHERE id = {lease}") == 1;
            Assert.Equal(Canonical(key, flipped), workspace.Scalar($"SELECT label FROM labels WHERE pair_id = {pair} AND labeler = 'human:a0'"));
        }
        Assert.Equal(3, workspace.Scalar("SELECT count(*) FROM labels"));

        // u takes the newest answer back (kept aside, not lost) and shows that pair again.
        await page.Keyboard.PressAsync("u");
        await page.WaitForFunctionAsync($"() => document.body.dataset.pair === '{shown[2].Pair}'", null, new() { Timeout = (float)Wait.TotalMilliseconds });
        Assert.Equal(2, workspace.Scalar("SELECT count(*) FROM labels"));
        Assert.Equal(0, workspace.Scalar($"SELECT count(*) FROM labels WHERE pair_id = {shown[2].Pair}"));
        Assert.Equal(1, workspace.Scalar($"SELECT count(*) FROM retracted_labels WHERE pair_id = {shown[2].Pair} AND label = 2"));

        long relabelLease = await Lease(page);
        await Answer(page, "ArrowLeft");
        bool relabelFlipped = workspace.Scalar($"SELECT flipped FROM labeling_leases WHERE id = {relabelLease}") == 1;
        Assert.Equal(Canonical("ArrowLeft", relabelFlipped), workspace.Scalar($"SELECT label FROM labels WHERE pair_id = {shown[2].Pair}"));
        // The new label's id is above the retracted one's, so a training run polling for new answers sees it.
        Assert.True(workspace.Scalar($"SELECT id FROM labels WHERE pair_id = {shown[2].Pair}") > workspace.Scalar("SELECT max(id) FROM retracted_labels"));
    }

    [Fact]
    public async Task Both_videos_play_and_stay_within_a_frame_of_each_other()
    {
        await using var one = await OneLabeler.Open(chromium, pairs: 2);
        var page = one.Page;
        await page.WaitForFunctionAsync("() => document.getElementById('left').currentTime > 0.3 && document.getElementById('right').currentTime > 0.3",
            null, new() { Timeout = (float)Wait.TotalMilliseconds });

        const double frame = 1.0 / 30;
        var samples = new List<double[]>();
        for (int i = 0; i < 25; i++)
        {
            samples.Add(await page.EvaluateAsync<double[]>("() => { const l = document.getElementById('left'), r = document.getElementById('right'); return [l.currentTime, r.currentTime, l.duration, l.paused ? 1 : 0, r.paused ? 1 : 0]; }"));
            await Task.Delay(80);
        }
        double duration = samples[0][2];
        Assert.InRange(duration, 1.5, 1.8); // 50 frames at 30 frames/s
        foreach (var s in samples)
        {
            Assert.Equal(0, s[3]);
            Assert.Equal(0, s[4]);
            // Distance on the loop, so 1.65 s and 0.01 s are two frames apart, not 1.64 s.
            double gap = Math.Abs(s[0] - s[1]);
            gap = Math.Min(gap, duration - gap);
            Assert.True(gap <= frame + 1e-6, $"left at {s[0]:0.000} s, right at {s[1]:0.000} s: {gap * 30:0.00} frames apart");
        }
        int advanced = 0;
        for (int i = 1; i < samples.Count; i++)
            if (samples[i][0] != samples[i - 1][0]) advanced++;
        Assert.True(advanced >= samples.Count * 3 / 4, $"currentTime changed in only {advanced} of {samples.Count - 1} intervals");
    }

    [Fact]
    public async Task Two_labelers_are_never_shown_the_same_pair_at_once()
    {
        using var workspace = new LabelingWorkspace();
        var server = workspace.Serve(pairs: 8, labelers: 2);
        workspace.WaitForClips(server);
        await using var first = await chromium.Browser.NewContextAsync();
        await using var second = await chromium.Browser.NewContextAsync();
        var a = await Open(first, server, "a0");
        var b = await Open(second, server, "b0");
        var seen = new List<(long, long)>();
        for (int round = 0; round < 3; round++)
        {
            seen.Add((await ShownPair(a), await ShownPair(b)));
            await Answer(a, "ArrowLeft");
            seen.Add((await ShownPair(a), await ShownPair(b)));
            await Answer(b, "ArrowRight");
        }
        seen.Add((await ShownPair(a), await ShownPair(b)));
        foreach (var (pa, pb) in seen) Assert.NotEqual(pa, pb);
        Assert.Equal(6, workspace.Scalar("SELECT count(*) FROM labels"));
        // With one labeler per pair, no pair got answers from both.
        Assert.Equal(0, workspace.Scalar("SELECT count(*) FROM (SELECT pair_id FROM labels GROUP BY pair_id HAVING count(*) > 1)"));
    }

    [Fact]
    public async Task Gold_accuracy_is_zero_for_a_labeler_who_answers_gold_pairs_wrong_and_one_for_one_who_answers_right()
    {
        using var workspace = new LabelingWorkspace();
        var hooks = new Dictionary<string, string> { ["SIM_LABELING_TEST_HOOKS"] = "1" };
        var server = workspace.Serve(8, 2, hooks, "--gold-oracle", "3", "--gold-rate", "1", "--labelers-per-pair", "2");
        workspace.WaitForClips(server);
        Assert.Equal(3, workspace.Scalar("SELECT count(*) FROM labeling_gold"));
        using var api = new LabelingApi(server.Url);
        await using var first = await chromium.Browser.NewContextAsync();
        await using var second = await chromium.Browser.NewContextAsync();
        var wrong = await Open(first, server, "a0");
        var right = await Open(second, server, "b0");

        async Task AnswerByOracle(IPage page, string labeler, bool flip)
        {
            var (_, oracle) = await api.Send(HttpMethod.Get, $"/test-hooks/oracle/{await Lease(page)}", server.Tokens[labeler]);
            string choice = oracle.GetProperty("choice").GetString()!;
            Assert.NotEqual("equal", choice); // random segments of a rollout never have exactly equal returns
            await Answer(page, (choice == "left") != flip ? "ArrowLeft" : "ArrowRight");
        }
        // Gold rate 1: each labeler's first three pairs are the gold ones.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(1, workspace.Scalar($"SELECT count(*) FROM labeling_gold WHERE pair_id = {await ShownPair(wrong)}"));
            await AnswerByOracle(wrong, "a0", flip: true);
            await AnswerByOracle(right, "b0", flip: false);
        }
        await AnswerByOracle(wrong, "a0", flip: false); // a normal pair, answered right: not part of gold accuracy

        var (_, stats) = await api.Send(HttpMethod.Get, "/api/stats", server.Tokens["a0"]);
        var byName = stats.GetProperty("labelers").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.Equal(3, byName["a0"].GetProperty("goldAnswered").GetInt32());
        Assert.Equal(0, byName["a0"].GetProperty("goldCorrect").GetInt32());
        Assert.Equal(0.0, byName["a0"].GetProperty("goldAccuracy").GetDouble());
        Assert.Equal(4, byName["a0"].GetProperty("labels").GetInt32());
        Assert.Equal(3, byName["b0"].GetProperty("goldAnswered").GetInt32());
        Assert.Equal(1.0, byName["b0"].GetProperty("goldAccuracy").GetDouble());
        // Both answered the same three gold pairs, always opposite: no agreement.
        Assert.Equal(0.0, byName["a0"].GetProperty("agreement").GetDouble());
        Assert.Equal(3, byName["a0"].GetProperty("agreementComparisons").GetInt32());

        var statsPage = await first.NewPageAsync();
        await statsPage.GotoAsync($"{server.Url}/stats?token={server.Tokens["a0"]}");
        Assert.Equal("0.0%", await statsPage.Locator("tr[data-labeler='a0'] td.gold-accuracy").TextContentAsync());
        Assert.Equal("100.0%", await statsPage.Locator("tr[data-labeler='b0'] td.gold-accuracy").TextContentAsync());
    }
}
