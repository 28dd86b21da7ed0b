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
    Sim.Cli.Viewing.ViewCommand.Create(),
    Sim.Cli.Viewing.ReplayCommand.Create(),
    bench,
};
return root.Parse(args).Invoke();
