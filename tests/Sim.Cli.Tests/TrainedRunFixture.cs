namespace Sim.Cli.Tests;

/// <summary>
/// One small PPO CartPole run made with <c>sim train</c>, then continued with <c>sim train --resume</c>, shared by the
/// tests of <see cref="TrainedRunTests"/> and <see cref="ResumeTests"/>. The folder as the first run left it is kept as a copy.
/// </summary>
public sealed class TrainedRunFixture : IDisposable
{
    /// <summary>Envs stepped together: with CleanRL's 128 steps per rollout, 512 steps per update.</summary>
    public const int NumEnvs = 4;

    /// <summary>Seed of the run, which its folder name carries.</summary>
    public const int Seed = 3;

    /// <summary>Step budget of the first run: a few updates, a couple of seconds.</summary>
    public const long FirstSteps = 4096;

    /// <summary>Step budget given when resuming.</summary>
    public const long ResumedSteps = 2 * FirstSteps;

    readonly TempDirectory _root = new();

    /// <summary>Trains, copies the folder, then resumes; if the first run fails, throws with its output, so every test using the fixture reports it.</summary>
    public TrainedRunFixture()
    {
        First = SimCli.Run(_root.Path, "train", "--env", "CartPole-v1", "--algo", "ppo", "--steps", FirstSteps.ToString(),
            "--num-envs", NumEnvs.ToString(), "--seed", Seed.ToString(), "--runs", "runs");
        string runs = Path.Combine(_root.Path, "runs");
        string[] folders = Directory.Exists(runs) ? Directory.GetDirectories(runs) : [];
        if (First.ExitCode != 0 || folders.Length != 1)
            throw new InvalidOperationException($"expected one run folder under {runs}, found {folders.Length}\n{First.Describe()}");
        RunPath = folders[0];
        FirstRunCopy = Path.Combine(_root.Path, "first", Path.GetFileName(RunPath));
        CopyDirectory(RunPath, FirstRunCopy);
        Resumed = SimCli.Run(_root.Path, "train", "--resume", RunPath, "--steps", ResumedSteps.ToString());
    }

    /// <summary>The first <c>sim train</c>.</summary>
    internal CliResult First { get; }

    /// <summary>The <c>sim train --resume</c> that followed.</summary>
    internal CliResult Resumed { get; }

    /// <summary>The run folder, as the resumed run left it.</summary>
    public string RunPath { get; }

    /// <summary>A copy of the run folder as the first run left it (same folder name).</summary>
    public string FirstRunCopy { get; }

    /// <summary>Copies <paramref name="source"/> with everything in it to <paramref name="destination"/>.</summary>
    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, dir)));
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
    }

    /// <inheritdoc/>
    public void Dispose() => _root.Dispose();
}

/// <summary>The test classes that share one <see cref="TrainedRunFixture"/>: training it twice costs more than running them one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class TrainedRunCollection : ICollectionFixture<TrainedRunFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "one trained run";
}
