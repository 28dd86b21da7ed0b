using Sim.LlmStandIn;

namespace Sim.Learning.Tests.Oni;

/// <summary>Base of tests that ask the stand-in LLM (a chat-completions server on 127.0.0.1 whose model is a keyword rule:
/// captions naming "reached", "closer", "touched" or "on the target" are good, those naming "away", "fell" or "on its back"
/// bad): a fresh server and scratch folder per test.</summary>
public abstract class StandInLlmTest : IAsyncLifetime
{
    /// <summary>The running stand-in.</summary>
    protected StandInLlmServer Server { get; private set; } = null!;

    /// <summary>A scratch folder for cache files.</summary>
    private protected TempDirectory Folder { get; } = new();

    public async Task InitializeAsync() => Server = await StandInLlmServer.StartAsync();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Folder.Dispose();
    }
}
