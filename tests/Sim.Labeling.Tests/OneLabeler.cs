using Microsoft.Playwright;

namespace Sim.Labeling.Tests;

/// <summary>A fresh store of pairs with rendered clips, served for one labeler (a0) whose page is open in chromium.</summary>
internal sealed class OneLabeler(LabelingWorkspace workspace, IBrowserContext context, IPage page) : IAsyncDisposable
{
    public LabelingWorkspace Workspace => workspace;

    public IPage Page => page;

    public static async Task<OneLabeler> Open(Chromium chromium, int pairs)
    {
        var workspace = new LabelingWorkspace();
        try
        {
            var server = workspace.Serve(pairs, labelers: 1);
            workspace.WaitForClips(server);
            var context = await chromium.Browser.NewContextAsync();
            return new OneLabeler(workspace, context, await PageTests.Open(context, server, "a0"));
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
        Workspace.Dispose();
    }
}
