using Microsoft.Playwright;

namespace Sim.Labeling.Tests;

/// <summary>Takes the README's screenshot of the page (docs/images/labeling.png) when SIM_LABELING_SCREENSHOT names the
/// output file; the page must show two playing clips and the progress line either way.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(Chromium chromium)
{
    [Fact]
    public async Task The_page_shows_two_playing_clips_progress_and_the_key_help()
    {
        using var workspace = new LabelingWorkspace();
        var server = workspace.Serve(3, 1, "--clip-size", "320");
        workspace.WaitForClips(server);
        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1000, Height = 640 } });
        var page = await PageTests.Open(context, server, "a0");
        await page.WaitForFunctionAsync("() => document.getElementById('left').currentTime > 0.5", null, new() { Timeout = 60_000 });
        Assert.Contains("labels 0 / 3", await page.Locator("#progress").TextContentAsync());
        Assert.Contains("can't tell", await page.Locator("footer").TextContentAsync());
        Assert.True(await page.Locator("#left").IsVisibleAsync() && await page.Locator("#right").IsVisibleAsync());
        if (Environment.GetEnvironmentVariable("SIM_LABELING_SCREENSHOT") is { Length: > 0 } path)
            await page.ScreenshotAsync(new() { Path = path });
    }
}
