using System.CommandLine;
using Sim.Cli.Bench;
using Sim.Cli.Commands;

var bench = new Command("bench", "Benchmarks, recorded in docs/benchmarks.md") { BenchEnvsCommand.Create() };
var root = new RootCommand("sim: vectorized MuJoCo environments and robot learning")
{
    Sim.Cli.Viewing.TrainWatch.AddOption(TrainCommand.Create()),
    EvalCommand.Create(),
    DemoCommand.Create(),
    EnvsCommand.Create(),
    ClipsCommand.Create(),
    PlotCommand.Create(),
    Sim.Cli.Viewing.ViewCommand.Create(),
    Sim.Cli.Viewing.ReplayCommand.Create(),
    bench,
};
var parsed = root.Parse(args);
// Malformed input (an unparsable number, an unknown option or command) is bad input too; a bare `sim` still shows the help.
if (parsed.Errors.Count > 0 && args.Length > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"sim: {error.Message}");
    var names = new List<string>();
    for (var result = parsed.CommandResult; result != null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        names.Insert(0, result.Command.Name);
    names[0] = "sim";
    Console.Error.WriteLine($"see `{string.Join(' ', names)} --help`");
    return 2;
}
try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
// Bad input (options, files, ids, configs) ends with its message alone, not a stack trace; anything else is a bug and keeps its trace.
catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidDataException or IOException or NotSupportedException)
{
    Console.Error.WriteLine($"sim: {e.Message}");
    return 2;
}
