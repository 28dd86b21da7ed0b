using Sim.Core.Trajectories;

namespace Sim.Cli.Tests;

/// <summary>A working folder holding the bad inputs of <see cref="BadInputTable"/>: damaged and odd trajectory files, an
/// empty label store, a file where a folder is expected and the reverse, a folder that is no run, and a run stopped
/// before its first checkpoint. <c>sim</c>'s error logs go to a separate temp folder, so that the working folder can be
/// compared before and after each command.</summary>
public sealed class BadInputWorkspace : IDisposable
{
    readonly TempDirectory _root = new();

    /// <summary>Records a short Hopper rollout with <c>sim demo</c> and derives the damaged files from it.</summary>
    public BadInputWorkspace()
    {
        Directory.CreateDirectory(WorkingDirectory);
        Directory.CreateDirectory(LogDirectory);
        var demo = SimCli.Run(WorkingDirectory, Environment,
            "demo", "--env", "Hopper-v1", "--num-envs", "1", "--threads", "1", "--steps", "120", "--seed", "4", "--out", "hopper.msgpack");
        demo.AssertSucceeded();
        var hopper = TrajectoryFile.Read(Path.Combine(WorkingDirectory, "hopper.msgpack"));

        // A physics state gone NaN at step 5 of the first episode, as a diverged simulation would record it.
        var diverged = Copy(hopper[0], hopper[0].EnvId);
        diverged.PhysicsStates[5 * diverged.PhysicsStateSize + 2] = double.NaN;
        TrajectoryFile.Write(Path.Combine(WorkingDirectory, "nan.msgpack"), [diverged]);
        var infinite = Copy(hopper[0], hopper[0].EnvId);
        infinite.PhysicsStates[3 * infinite.PhysicsStateSize] = double.PositiveInfinity;
        TrajectoryFile.Write(Path.Combine(WorkingDirectory, "inf.msgpack"), [infinite]);
        TrajectoryFile.Write(Path.Combine(WorkingDirectory, "unregistered.msgpack"), [Copy(hopper[0], "NoSuchRobot-v9")]);

        File.WriteAllBytes(Path.Combine(WorkingDirectory, "garbage.msgpack"), [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11))]);
        File.WriteAllBytes(Path.Combine(WorkingDirectory, "empty.db"), []);
        File.WriteAllText(Path.Combine(WorkingDirectory, "a-file"), "a file, not a folder\n");
        File.WriteAllText(Path.Combine(WorkingDirectory, "statue.xml"), "<mujoco><worldbody><body><joint type=\"slide\"/><geom size=\"0.1\"/></body></worldbody></mujoco>");
        File.WriteAllText(Path.Combine(WorkingDirectory, "broken.xml"), "<mujoco><worldbody><body><geom type=\"nosuchtype\"/></body></worldbody></mujoco>");
        File.WriteAllText(Path.Combine(WorkingDirectory, "malformed.jsonl"), "{\"type\":\"sim-labels\",\"version\":1}\n{\"type\":\"labeler\",\"id\":\"human:a\"\n");
        File.WriteAllText(Path.Combine(WorkingDirectory, "version9.jsonl"), "{\"type\":\"sim-labels\",\"version\":9}\n");
        File.WriteAllText(Path.Combine(WorkingDirectory, "unknown-labeler.jsonl"),
            "{\"type\":\"sim-labels\",\"version\":1}\n{\"type\":\"labeler\",\"id\":\"human:a\"}\n{\"type\":\"label\",\"pair\":1,\"labeler\":\"human:zed\",\"label\":\"left\",\"at_ms\":0}\n");
        File.WriteAllText(Path.Combine(WorkingDirectory, "unknown-segment.jsonl"),
            "{\"type\":\"sim-labels\",\"version\":1}\n{\"type\":\"pair\",\"id\":1,\"left\":4,\"right\":5,\"round\":0,\"sampler\":\"uniform\",\"created_at_ms\":0}\n");
        Directory.CreateDirectory(Path.Combine(WorkingDirectory, "a-folder"));
        Directory.CreateDirectory(Path.Combine(WorkingDirectory, "notes"));
        File.WriteAllText(Path.Combine(WorkingDirectory, "notes", "readme.txt"), "not a run\n");

        // What a run killed before its first checkpoint leaves: its config and the metrics of that attempt.
        string stalled = Path.Combine(WorkingDirectory, StalledRun);
        Directory.CreateDirectory(stalled);
        File.WriteAllText(Path.Combine(stalled, "config.json"), """{ "Env": "CartPole-v1", "Algorithm": "ppo", "CheckpointEvery": 50000, "Ppo": { "NumEnvs": 4, "TotalTimesteps": 100000 } }""");
        File.WriteAllText(Path.Combine(stalled, "metrics.csv"),
            "step,tag,value,wall_time\n512,charts/SPS,900,1700000001.000\n1024,charts/SPS,910,1700000002.000\n1536,charts/SPS,905,1700000003.000\n");
    }

    /// <summary>A run folder (by its name) with metrics but no checkpoint.</summary>
    public const string StalledRun = "runs/CartPole-v1__ppo__1__1700000000";

    /// <summary>Where the commands run.</summary>
    public string WorkingDirectory => Path.Combine(_root.Path, "work");

    /// <summary>The temp folder of the commands, which receives their error logs.</summary>
    public string LogDirectory => Path.Combine(_root.Path, "tmp");

    /// <summary>The environment of the commands: the temp folder above, and no display, as on a headless server.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["TMPDIR"] = LogDirectory, ["DISPLAY"] = "" };

    static Trajectory Copy(Trajectory t, string envId) => new()
    {
        EnvId = envId,
        EnvIndex = t.EnvIndex,
        Seed = t.Seed,
        EpisodeIndex = t.EpisodeIndex,
        FirstStep = t.FirstStep,
        ObservationSize = t.ObservationSize,
        ActionSize = t.ActionSize,
        RewardTermNames = t.RewardTermNames,
        PhysicsStateSize = t.PhysicsStateSize,
        Steps = t.Steps,
        Observations = [.. t.Observations],
        Actions = [.. t.Actions],
        Rewards = [.. t.Rewards],
        RewardTerms = [.. t.RewardTerms],
        Terminated = [.. t.Terminated],
        Truncated = [.. t.Truncated],
        PhysicsStates = [.. t.PhysicsStates],
        HasFinalPhysicsState = t.HasFinalPhysicsState,
    };

    /// <inheritdoc/>
    public void Dispose() => _root.Dispose();
}
