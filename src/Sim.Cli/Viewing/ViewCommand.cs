using System.CommandLine;
using Sim.Core.Trajectories;
using Sim.Rewards.Serialization;
using Sim.Viewer.Gl;
using Sim.Viewer.Interactive;

namespace Sim.Cli.Viewing;

/// <summary><c>sim view</c>: opens a window running an env live with a checkpoint's policy (random actions without one).</summary>
public static class ViewCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "Env id (see `sim envs`)", Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Run folder (its latest checkpoint) or checkpoint folder; random actions without it" };
        var numEnvs = new Option<int>("--num-envs") { Description = "Envs run together ([ and ] switch the one shown)", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Env seed (env i gets seed + i)", DefaultValueFactory = _ => 0 };
        var rewardModel = new Option<FileInfo?>("--reward-model") { Description = "Reward model file whose learned reward is shown next to the true one" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for screenshots and recordings", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var command = new Command("view", "Watch an env live in a window (keys: F1 or h)") { env, checkpoint, numEnvs, seed, rewardModel, output };
        command.SetAction(parse => Run(parse.GetValue(env)!, parse.GetValue(checkpoint), parse.GetValue(numEnvs), parse.GetValue(seed),
            parse.GetValue(rewardModel), parse.GetValue(output)!));
        return command;
    }

    static int Run(string envId, string? checkpoint, int numEnvs, ulong seed, FileInfo? rewardModel, DirectoryInfo output)
    {
        if (numEnvs < 1) throw new ArgumentException($"--num-envs = {numEnvs}: expected at least 1 env");
        Sim.Cli.Commands.OutputPath.RequireWritableFolder("--out", output);
        using (var probe = Envs.Envs.Registry.Spec(envId).Factory(1, Core.VectorEnvOptions.Default))
            Sim.Cli.Commands.EnvMemoryBudget.Require($"--num-envs = {numEnvs}", envId, probe, numEnvs);
        var located = checkpoint is null ? default : CheckpointPolicy.Locate(checkpoint);
        // A checkpoint's env is rebuilt with its run's keyword arguments (model file, frame skip, render camera).
        var simulation = LiveSimulation.Create(envId, numEnvs, seed,
            actions: checkpoint is null ? null : _ => CheckpointPolicy.Load(located.Run, located.Checkpoint, envId),
            learned: rewardModel is null ? null : e => RewardModelSource.Load(rewardModel.FullName, e.SingleObservationSpace.FlatSize, e.SingleActionSpace.FlatSize),
            envArgs: checkpoint is null ? null : located.Run.LoadConfig<Sim.Learning.Runs.RunConfig>().EnvArgs);
        using var window = ViewerApp.OpenLive(simulation, output.FullName);
        window.Run();
        return 0;
    }
}
