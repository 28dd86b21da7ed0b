using System.Text;
using Microsoft.Playwright;

namespace Sim.Labeling.Tests;

/// <summary>The env's event captions under each labeling clip: a Hopper rollout cut into short segments, some of which
/// end with the fall that ends an episode ("the hopper fell", emitted on the unhealthy step). Under each clip the page
/// must list that caption exactly when the stored segment holds it, on the side the clip is shown.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CaptionTests(Chromium chromium)
{
    const string Fell = "the hopper fell";
    const int Pairs = 8;

    [Fact]
    public async Task Each_clip_lists_the_events_of_its_own_segment()
    {
        using var workspace = new LabelingWorkspace("Hopper-v1");
        var server = workspace.Serve(Pairs, 1, "--segment-length", "10", "--clip-size", "160");
        workspace.WaitForClips(server);
        // Which stored segments hold the caption, found in their bytes by SQL (a msgpack fixstr: 0xa0 | length, then UTF-8).
        byte[] needle = [(byte)(0xa0 | Fell.Length), .. Encoding.UTF8.GetBytes(Fell)];
        string hex = Convert.ToHexString(needle);
        long captioned = workspace.Scalar($"SELECT count(*) FROM pairs p JOIN items l ON l.id = p.left_item JOIN items r ON r.id = p.right_item WHERE instr(l.payload, X'{hex}') > 0 OR instr(r.payload, X'{hex}') > 0");
        Assert.True(captioned > 0, $"no pair of {Pairs} holds a fall, so the test would show nothing");

        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1000, Height = 760 } });
        var page = await PageTests.Open(context, server, "a0");
        int seenWithEvents = 0;
        for (int shown = 0; shown < Pairs; shown++)
        {
            long pair = await PageTests.ShownPair(page);
            long lease = await PageTests.Lease(page);
            bool flipped = workspace.Scalar($"SELECT flipped FROM labeling_leases WHERE id = {lease}") == 1;
            bool leftHas = workspace.Scalar($"SELECT instr(i.payload, X'{hex}') > 0 FROM pairs p JOIN items i ON i.id = p.left_item WHERE p.id = {pair}") == 1;
            bool rightHas = workspace.Scalar($"SELECT instr(i.payload, X'{hex}') > 0 FROM pairs p JOIN items i ON i.id = p.right_item WHERE p.id = {pair}") == 1;
            var (shownLeftHas, shownRightHas) = flipped ? (rightHas, leftHas) : (leftHas, rightHas);
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#left-events li').length > 0 && document.querySelectorAll('#right-events li').length > 0");
            Assert.Equal(shownLeftHas ? new[] { Fell } : new[] { "no events" }, await page.Locator("#left-events li").AllTextContentsAsync());
            Assert.Equal(shownRightHas ? new[] { Fell } : new[] { "no events" }, await page.Locator("#right-events li").AllTextContentsAsync());
            if (shownLeftHas || shownRightHas)
            {
                seenWithEvents++;
                // The fall is the segment's last step, so it is highlighted near the end of each loop.
                string side = shownLeftHas ? "left" : "right";
                await page.WaitForFunctionAsync($"() => document.querySelector('#{side}-events li.now') !== null", null, new() { Timeout = 30_000 });
                if (Environment.GetEnvironmentVariable("SIM_LABELING_CAPTIONS_SCREENSHOT") is { Length: > 0 } path)
                    await page.ScreenshotAsync(new() { Path = path });
            }
            if (shown < Pairs - 1) await PageTests.Answer(page, "ArrowLeft");
        }
        Assert.Equal(captioned, seenWithEvents);
    }
}
