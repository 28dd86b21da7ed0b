namespace Sim.Learning.Runs;

/// <summary>One training run's folder (<c>runs/env__algorithm__seed__time/</c>) and the paths of everything in it.</summary>
/// <remarks>
/// Layout: <c>config.json</c> (see <see cref="RunConfigFile"/>), <c>metrics.csv</c> and <c>tensorboard/</c> (see
/// <see cref="MetricsLogger"/>), <c>checkpoints/</c> (see <see cref="CheckpointStore"/>) and <c>curve.png</c> (see
/// <see cref="LearningCurvePlot"/>). Only the folder itself is created here; each writer creates its own files.
/// </remarks>
public sealed class RunDirectory
{
    /// <summary>The run's hyperparameters, as indented JSON.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>Every logged scalar in long format: <c>step,tag,value,wall_time</c>.</summary>
    public const string MetricsFileName = "metrics.csv";

    /// <summary>The folder of TensorBoard event files.</summary>
    public const string TensorBoardFolderName = "tensorboard";

    /// <summary>The folder of <see cref="CheckpointStore"/>.</summary>
    public const string CheckpointsFolderName = "checkpoints";

    /// <summary>The learning-curve plot.</summary>
    public const string CurveFileName = "curve.png";

    /// <summary>The loss plots.</summary>
    public const string LossesFileName = "losses.png";

    /// <summary>File name of the last training process's time split (<see cref="Training.TrainingTimeReport"/>).</summary>
    public const string TimingFileName = "timing.json";

    private RunDirectory(string path, RunName? name)
    {
        Path = path;
        RunName = name;
    }

    /// <summary>Absolute path of the run folder.</summary>
    public string Path { get; }

    /// <summary>The folder's name (its last path component).</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The parsed name, or null for a folder with another name (opened because it holds a config).</summary>
    public RunName? RunName { get; }

    /// <summary>Path of <see cref="ConfigFileName"/>.</summary>
    public string ConfigPath => System.IO.Path.Combine(Path, ConfigFileName);

    /// <summary>Path of <see cref="MetricsFileName"/>.</summary>
    public string MetricsPath => System.IO.Path.Combine(Path, MetricsFileName);

    /// <summary>Path of <see cref="TensorBoardFolderName"/>.</summary>
    public string TensorBoardPath => System.IO.Path.Combine(Path, TensorBoardFolderName);

    /// <summary>Path of <see cref="CheckpointsFolderName"/>.</summary>
    public string CheckpointsPath => System.IO.Path.Combine(Path, CheckpointsFolderName);

    /// <summary>Path of <see cref="CurveFileName"/>.</summary>
    public string CurvePath => System.IO.Path.Combine(Path, CurveFileName);

    /// <summary>Path of <see cref="LossesFileName"/>.</summary>
    public string LossesPath => System.IO.Path.Combine(Path, LossesFileName);

    /// <summary>Path of the last training process's time split.</summary>
    public string TimingPath => System.IO.Path.Combine(Path, TimingFileName);

    /// <summary>Creates a new, empty run folder under <paramref name="runsRoot"/> (created if missing), never reusing an existing folder.</summary>
    public static RunDirectory Create(string runsRoot, string envId, string algorithm, ulong seed, DateTimeOffset startedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(runsRoot);
        RunName name = Runs.RunName.Create(envId, algorithm, seed, startedAt);
        string root = System.IO.Path.GetFullPath(runsRoot);
        Directory.CreateDirectory(root);
        for (int duplicate = 1; ; duplicate++)
        {
            RunName candidate = name with { Duplicate = duplicate };
            string path = System.IO.Path.Combine(root, candidate.ToString());
            // Directory.CreateDirectory succeeds on an existing folder, so the check and the create are not one
            // atomic step; two processes starting the same run in the same second is the (accepted) race.
            if (!Directory.Exists(path) && !File.Exists(path))
            {
                Directory.CreateDirectory(path);
                return new RunDirectory(path, candidate);
            }
        }
    }

    /// <summary>Opens an existing run folder, e.g. to resume it; the folder must have a run name or hold a config.json.</summary>
    public static RunDirectory Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path).TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"run folder '{full}' does not exist");
        }
        bool named = Runs.RunName.TryParse(System.IO.Path.GetFileName(full), out RunName name);
        if (!named && !File.Exists(System.IO.Path.Combine(full, ConfigFileName)))
        {
            throw new ArgumentException(
                $"'{full}' is not a run folder: expected a name of the form env__algorithm__seed__unixtime or a {ConfigFileName} inside", nameof(path));
        }
        return new RunDirectory(full, named ? name : null);
    }

    /// <summary>
    /// The most recently started run under <paramref name="runsRoot"/> whose name matches the given parts (null = any),
    /// or null when there is none. Start time comes from the folder name, not the file system, so copied folders keep their order.
    /// </summary>
    public static RunDirectory? FindLatest(string runsRoot, string? envId = null, string? algorithm = null, ulong? seed = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runsRoot);
        string root = System.IO.Path.GetFullPath(runsRoot);
        if (!Directory.Exists(root))
        {
            return null;
        }
        RunName? best = null;
        string? bestPath = null;
        foreach (string path in Directory.EnumerateDirectories(root))
        {
            if (!Runs.RunName.TryParse(System.IO.Path.GetFileName(path), out RunName name))
            {
                continue;
            }
            if ((envId != null && name.EnvId != envId) || (algorithm != null && name.Algorithm != algorithm) || (seed != null && name.Seed != seed))
            {
                continue;
            }
            if (best is not { } b || (name.UnixTime, name.Duplicate).CompareTo((b.UnixTime, b.Duplicate)) > 0)
            {
                best = name;
                bestPath = path;
            }
        }
        return bestPath == null ? null : new RunDirectory(bestPath, best);
    }

    /// <summary>Saves the run's config record to <see cref="ConfigPath"/> (see <see cref="RunConfigFile.Save{T}"/>).</summary>
    public void SaveConfig<T>(T config) => RunConfigFile.Save(ConfigPath, config);

    /// <summary>Loads the run's config record from <see cref="ConfigPath"/> (see <see cref="RunConfigFile.Load{T}"/>).</summary>
    public T LoadConfig<T>() => RunConfigFile.Load<T>(ConfigPath);

    /// <summary>The run's checkpoint store, keeping the last <paramref name="keepLast"/> checkpoints.</summary>
    public CheckpointStore Checkpoints(int keepLast = CheckpointStore.DefaultKeepLast) => new(CheckpointsPath, keepLast);

    /// <inheritdoc/>
    public override string ToString() => Path;
}
