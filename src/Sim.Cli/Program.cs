using System.CommandLine;
using Sim.Cli.Bench;
using Sim.Cli.Commands;

var bench = new Command("bench", "Benchmarks, recorded in docs/benchmarks.md") { BenchEnvsCommand.Create(), BenchAlignCommand.Create(), BenchLabelingCommand.Create(), BenchAnnotationCommand.Create() };
var root = new RootCommand("sim: vectorized MuJoCo environments and robot learning")
{
    TrainCommand.Create(),
    EvalCommand.Create(),
    DemoCommand.Create(),
    EnvsCommand.Create(),
    CheckEnvCommand.Create(),
    ClipsCommand.Create(),
    PlotCommand.Create(),
    Sim.Cli.Viewing.ViewCommand.Create(),
    Sim.Cli.Viewing.ReplayCommand.Create(),
    Sim.Cli.Commands.Align.AlignCommand.Create(),
    Sim.Cli.Labeling.LabelCommand.Create(),
    Sim.Cli.Labeling.LabelsCommand.Create(),
    Sim.Cli.Labeling.RewardCommand.Create(),
    bench,
};
var parsed = root.Parse(args);
// Malformed input (an unparsable number, an unknown option or command) is bad input too; a bare `sim` still shows the help.
if (parsed.Errors.Count > 0 && args.Length > 0)
{
    foreach (string line in Sim.Cli.ParseErrorMessages.Describe(parsed)) Console.Error.WriteLine(line);
    return 2;
}
// A failure on any thread, the main one included, ends in one line naming what was wrong and exit code 2; the trace goes to a log.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    Environment.Exit(Sim.Cli.Failures.CommandFailure.Report((Exception)e.ExceptionObject, args));
try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    return Sim.Cli.Failures.CommandFailure.Report(e, args);
}
