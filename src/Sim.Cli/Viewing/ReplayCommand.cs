using System.CommandLine;
using Sim.Core.Trajectories;
using Sim.Viewer.Gl;
using Sim.Viewer.Interactive;

namespace Sim.Cli.Viewing;

/// <summary><c>sim replay</c>: replays recorded episodes exactly from their physics states in a window with a scrub bar.</summary>
public static class ReplayCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("trajectories") { Description = "Trajectory file (e.g. written by `sim eval --record`)" };
        var episode = new Option<int>("--episode") { Description = "Episode to start with ([ and ] switch)", DefaultValueFactory = _ => 0 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for screenshots and recordings", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var command = new Command("replay", "Replay recorded episodes in a window (keys: F1 or h)") { file, episode, output };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(episode), parse.GetValue(output)!));
        return command;
    }

    static int Run(FileInfo file, int episode, DirectoryInfo output)
    {
        Sim.Cli.Commands.OutputPath.RequireWritableFolder("--out", output);
        using var window = ViewerApp.OpenReplay(file.FullName, episode, output.FullName);
        window.Run();
        return 0;
    }
}
