using System.CommandLine;
using Sim.Cli.Bench;
using Sim.Cli.Commands;

var bench = new Command("bench", "Benchmarks, recorded in docs/benchmarks.md") { BenchEnvsCommand.Create() };
var root = new RootCommand("sim: vectorized MuJoCo environments and robot learning")
{
    TrainCommand.Create(),
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
    foreach (string line in Sim.Cli.ParseErrorMessages.Describe(parsed)) Console.Error.WriteLine(line);
    return 2;
}
try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
// Bad input (options, files, ids, configs) ends with its message alone, not a stack trace, and so does a missing native
// library (MuJoCo, GLFW), whose message says what to install; anything else is a bug and keeps its trace.
catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidDataException or IOException or NotSupportedException
                              or DllNotFoundException)
{
    Console.Error.WriteLine($"sim: {BadInputMessage(e)}");
    return 2;
}

// Our messages already name the value; .NET appends " (Parameter 'X')" and "Actual value was V." to argument errors.
static string BadInputMessage(Exception e)
{
    if (e is not ArgumentException { ParamName: string name } argument) return e.Message;
    int suffix = argument.Message.IndexOf($" (Parameter '{name}')", StringComparison.Ordinal);
    return suffix > 0 ? argument.Message[..suffix] : argument.Message;
}
