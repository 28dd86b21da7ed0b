using System.Globalization;
using Sim.LlmStandIn;

// `dotnet Sim.LlmStandIn.dll [--port N]`: serves the keyword-rule stand-in until stopped (Ctrl-C or SIGTERM, which the
// host's console lifetime turns into a shutdown), printing its base URL first so that a benchmark script can read it.
int port = 0;
if (args.Length == 2 && args[0] == "--port" && int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int p)) port = p;
else if (args.Length != 0)
{
    Console.Error.WriteLine($"usage: Sim.LlmStandIn [--port N]; got '{string.Join(' ', args)}'");
    return 2;
}
await using var server = await StandInLlmServer.StartAsync(port);
Console.WriteLine($"stand-in LLM (keyword rule, not a language model) at {server.BaseUrl}");
await server.WaitForShutdownAsync();
return 0;
