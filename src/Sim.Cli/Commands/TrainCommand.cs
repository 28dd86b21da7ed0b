using System.CommandLine;
using System.Globalization;
using Sim.Core;
using Sim.Core.Spaces;
using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Rewards.Queries;
using Sim.Rewards.Segments;
using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Learning.Training;
using Sim.Torch;
using Sim.Viewer.Clips;
using Sim.Viewer.Recording;
using Sim.Viewer.Rendering;
using Spectre.Console;

namespace Sim.Cli.Commands;

/// <summary><c>sim train</c>: trains an agent in a run folder with metrics, checkpoints, plots and resume.</summary>
public static class TrainCommand
{
    static readonly string[] Algorithms = ["ppo", "sac"];

    // SAC's updates (three 256x256 networks on batches of 256) are matmul-bound: on 2 cores, 2 torch threads made them
    // 1.35x faster (docs/benchmarks.md). More threads were not measured, so the default stops at 2.
    const int SacDefaultTorchThreads = 2;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "Env id (see `sim envs`)", DefaultValueFactory = _ => "CartPole-v1" };
        var algo = new Option<string>("--algo") { Description = "Algorithm: " + string.Join(", ", Algorithms), DefaultValueFactory = _ => "ppo" };
        var numEnvs = new Option<int?>("--num-envs") { Description = "Envs stepped together (default: the algorithm's)" };
        var steps = new Option<double>("--steps") { Description = "Total env steps, e.g. 1e6", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for envs, networks and sampling", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int>("--threads") { Description = "Worker threads stepping the envs", DefaultValueFactory = _ => 1 };
        var torchThreads = new Option<int?>("--torch-threads") { Description = "CPU threads torch may use (default: 1 for PPO, whose small networks gain nothing from more; up to " + SacDefaultTorchThreads + " for SAC, whose 256-wide updates run 1.35x faster on 2)" };
        var runs = new Option<DirectoryInfo>("--runs") { Description = "Folder that holds run folders", DefaultValueFactory = _ => new DirectoryInfo("runs") };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Run folder to continue from its latest checkpoint (its config.json wins over other options)" };
        var checkpointEvery = new Option<double>("--checkpoint-every") { Description = "Env steps between checkpoints", DefaultValueFactory = _ => 50_000 };
        var hparams = new Option<string>("--hparams") { Description = "PPO hyperparameters: " + string.Join(", ", PpoPresets.Names) + " (zoo: the RL Baselines3 Zoo's tuned settings, for " + string.Join(", ", PpoPresets.ZooEnvs) + ")", DefaultValueFactory = _ => PpoPresets.CleanRl };
        var reward = new Option<string>("--reward") { Description = "Reward the policy trains on: env (the env's own) or preference (learned from labels: PEBBLE with --algo sac, Christiano et al. with --algo ppo)", DefaultValueFactory = _ => "env" };
        var teacher = new Option<string>("--teacher") { Description = "Scripted teacher for --reward preference: " + string.Join(", ", PreferenceTeachers.Names), DefaultValueFactory = _ => PreferenceTeachers.Oracle };
        var labels = new Option<int>("--labels") { Description = "Label budget (queries asked) for --reward preference", DefaultValueFactory = _ => 500 };
        var sampler = new Option<string>("--sampler") { Description = "Query selection after the first (uniform) round: uniform, disagreement or entropy", DefaultValueFactory = _ => "disagreement" };
        var segmentLength = new Option<int>("--segment-length") { Description = "Steps per queried segment", DefaultValueFactory = _ => 50 };
        var labelsPerRound = new Option<int?>("--labels-per-round") { Description = "Queries per round (default: a tenth of --labels)" };
        var roundEvery = new Option<double?>("--round-every") { Description = "Env steps between query rounds (default: the rounds spread over the first half of the run)" };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a hyperparameter, e.g. --set learning_rate=1e-3 --set ent_coef=0.01 (snake_case names of the run's config.json, or CleanRL's)",
            AllowMultipleArgumentsPerToken = false,
        };
        var unsupervised = new Option<double>("--unsupervised-steps") { Description = "SAC: steps of state-entropy pre-training before the first query round", DefaultValueFactory = _ => 9_000 };
        var captureVideo = new Option<bool>("--capture-video")
        {
            Description = "Render videos of env 0's episodes 0, 1, 8, 27, …, 729, 1000, 2000, … into the run's videos/ folder, on a low-priority thread",
        };
        var command = new Command("train", "Train an agent; writes runs/<env>__<algo>__<seed>__<time>/ with config, metrics.csv, TensorBoard events, checkpoints and curve.png")
        {
            env, algo, numEnvs, steps, seed, device, threads, torchThreads, runs, resume, checkpointEvery, hparams, set,
            reward, teacher, labels, sampler, segmentLength, labelsPerRound, roundEvery, unsupervised, captureVideo,
        };
        command.SetAction(parse =>
        {
            var resumeDir = parse.GetValue(resume);
            var overrides = parse.GetValue(set) ?? [];
            if (resumeDir != null && overrides.Length > 0)
                throw new ArgumentException($"--set {string.Join(" --set ", overrides)} with --resume: a resumed run keeps the hyperparameters in its config.json");
            // On resume the run's config.json decides everything, except a --steps given explicitly, which extends the budget.
            if (resumeDir != null) return Resume(resumeDir, parse.GetResult(steps) is { Implicit: false } ? parse.GetValue(steps) : null);
            var settings = NewSettings(parse.GetValue(env)!, parse.GetValue(algo)!, parse.GetValue(numEnvs), parse.GetValue(steps),
                parse.GetValue(seed), parse.GetValue(device)!, parse.GetValue(threads), parse.GetValue(torchThreads), parse.GetValue(checkpointEvery), parse.GetValue(hparams)!, overrides);
            settings = WithReward(settings, parse.GetValue(reward)!, parse.GetValue(teacher)!, parse.GetValue(labels), parse.GetValue(sampler)!,
                parse.GetValue(segmentLength), parse.GetValue(labelsPerRound), parse.GetValue(roundEvery), parse.GetValue(unsupervised));
            settings = settings with { CaptureVideo = parse.GetValue(captureVideo) };
            OutputPath.RequireWritableFolder("--runs", parse.GetValue(runs)!);
            var run = RunDirectory.Create(parse.GetValue(runs)!.FullName, settings.Env, settings.Algorithm, Seed(settings), DateTimeOffset.UtcNow);
            run.SaveConfig(settings);
            return Train(run, settings, resume: null);
        });
        return command;
    }

    static TrainSettings NewSettings(string envId, string algo, int? numEnvs, double steps, ulong seed, string device,
        int threads, int? torchThreads, double checkpointEvery, string hparams, IReadOnlyList<string> overrides)
    {
        if (!Algorithms.Contains(algo)) throw new ArgumentException($"--algo '{algo}': expected one of {string.Join(", ", Algorithms)}");
        if (!(steps >= 1) || steps > long.MaxValue) throw new ArgumentException($"--steps = {steps}: expected a positive number of env steps");
        if (!(checkpointEvery >= 1)) throw new ArgumentException($"--checkpoint-every = {checkpointEvery}: expected a positive number of env steps");
        if (torchThreads is < 1) throw new ArgumentException($"--torch-threads = {torchThreads}: expected at least 1");
        if (numEnvs is < 1) throw new ArgumentException($"--num-envs = {numEnvs}: expected at least 1 env");
        CheckDevice(device, "--device");
        var spec = Envs.Envs.Registry.Spec(envId);
        using var probe = spec.Factory(1, VectorEnvOptions.Default);
        var settings = new TrainSettings
        {
            Env = envId,
            Algorithm = algo,
            EnvThreads = threads,
            CheckpointEvery = (long)checkpointEvery,
        };
        if (algo == "sac")
        {
            if (hparams != PpoPresets.CleanRl) throw new ArgumentException($"--hparams {hparams}: presets apply to --algo ppo only");
            if (probe.SingleActionSpace is not Box)
                throw new ArgumentException($"--algo sac on {envId}: its action space is {probe.SingleActionSpace}, but SAC needs a continuous Box; use --algo ppo");
            var sac = new SacConfig { Seed = seed, Device = device, TorchThreads = torchThreads ?? Math.Min(Environment.ProcessorCount, SacDefaultTorchThreads), TotalTimesteps = (long)steps };
            if (numEnvs is int envs) sac = sac with { NumEnvs = envs };
            sac = HyperparameterOverrides.Apply(sac, overrides);
            CheckDevice(sac.Device, "--set device");
            sac.Validate();
            EnvMemoryBudget.Require($"--num-envs = {sac.NumEnvs}", envId, probe, sac.NumEnvs,
                (double)sac.BufferSize * (2 * probe.SingleObservationSpace.FlatSize + probe.SingleActionSpace.FlatSize + 2) * sizeof(float));
            return settings with { Sac = sac };
        }
        bool discrete = probe.SingleActionSpace is Discrete;
        var ppo = PpoPresets.For(hparams, envId, discrete) with
        {
            Seed = seed,
            Device = device,
            TorchThreads = torchThreads ?? 1,
            TotalTimesteps = (long)steps,
        };
        if (numEnvs is int n) ppo = ppo with { NumEnvs = n };
        ppo = HyperparameterOverrides.Apply(ppo, overrides);
        CheckDevice(ppo.Device, "--set device");
        ppo.Validate();
        EnvMemoryBudget.Require($"--num-envs = {ppo.NumEnvs}", envId, probe, ppo.NumEnvs,
            (double)ppo.NumEnvs * ppo.NumSteps * (probe.SingleObservationSpace.FlatSize + probe.SingleActionSpace.FlatSize + 6) * sizeof(float));
        return settings with { Ppo = ppo };
    }

    static TrainSettings WithReward(TrainSettings settings, string reward, string teacher, int labels, string sampler, int segmentLength,
        int? labelsPerRound, double? roundEvery, double unsupervisedSteps)
    {
        if (reward == "env") return settings;
        if (reward != "preference") throw new ArgumentException($"--reward '{reward}': expected env or preference");
        if (!Enum.TryParse<QuerySelection>(sampler, ignoreCase: true, out var selection) || !Enum.IsDefined(selection))
            throw new ArgumentException($"--sampler '{sampler}': expected uniform, disagreement or entropy");
        if (roundEvery is double every && !(every >= 1)) throw new ArgumentException($"--round-every = {every}: expected at least 1 env step");
        if (!(unsupervisedSteps >= 0)) throw new ArgumentException($"--unsupervised-steps = {unsupervisedSteps}: expected 0 or more env steps");
        if (labelsPerRound > labels) throw new ArgumentException($"--labels-per-round = {labelsPerRound}: expected at most --labels ({labels})");
        if (Envs.Envs.Registry.Spec(settings.Env).MaxEpisodeSteps is int longest && segmentLength > longest)
            throw new ArgumentException($"--segment-length = {segmentLength}: expected at most the {longest} steps of a {settings.Env} episode");
        var options = new PreferenceLearningOptions
        {
            Teacher = teacher,
            Labels = labels,
            Sampler = selection,
            SegmentLength = segmentLength,
            LabelsPerRound = labelsPerRound,
            RoundInterval = roundEvery is double k ? (long)k : null,
            UnsupervisedSteps = (long)unsupervisedSteps,
        };
        options.Validate();
        return settings with { Reward = reward, Preference = options };
    }

    static ulong Seed(TrainSettings s) => s.Ppo?.Seed ?? s.Sac?.Seed ?? 0;

    static int Resume(DirectoryInfo folder, double? steps)
    {
        var run = RunDirectory.Open(folder.FullName);
        var settings = run.LoadConfig<TrainSettings>();
        CheckDevice(settings.Ppo?.Device ?? settings.Sac?.Device ?? "cpu", $"'{run.ConfigPath}' device");
        bool budgetChanged = steps is not null;
        if (steps is double total)
        {
            if (!(total >= 1) || total > long.MaxValue) throw new ArgumentException($"--steps = {total}: expected a positive number of env steps");
            if (settings.Algorithm == "sac")
            {
                var sac = SacConfigOf(run, settings) with { TotalTimesteps = (long)total };
                sac.Validate();
                settings = settings with { Sac = sac };
            }
            else
            {
                var ppo = PpoConfigOf(run, settings) with { TotalTimesteps = (long)total };
                ppo.Validate();
                settings = settings with { Ppo = ppo };
            }
        }
        // Everything that can refuse the resume (no checkpoint, a spent budget) does so before config.json changes.
        var plan = ResumePlan.For(run, settings.Sac?.TotalTimesteps ?? settings.Ppo?.TotalTimesteps ?? 0);
        if (budgetChanged) run.SaveConfig(settings);
        return Train(run, settings, plan);
    }

    /// <summary>Rejects, as bad input naming <paramref name="source"/>, a device that is no device name or that this process cannot use (CUDA on a machine without it).</summary>
    internal static void CheckDevice(string device, string source)
    {
        try
        {
            TorchDevice.Parse(device);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            string reason = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
            throw new ArgumentException($"{source} '{device}': {reason}", e);
        }
    }

    /// <summary>The run's PPO section, or an error naming the config file.</summary>
    internal static PpoConfig PpoConfigOf(RunDirectory run, TrainSettings settings) =>
        settings.Ppo ?? throw new InvalidDataException($"'{run.ConfigPath}' has no ppo section for algorithm '{settings.Algorithm}'");

    /// <summary>The run's SAC section, or an error naming the config file.</summary>
    internal static SacConfig SacConfigOf(RunDirectory run, TrainSettings settings) =>
        settings.Sac ?? throw new InvalidDataException($"'{run.ConfigPath}' has no sac section for algorithm '{settings.Algorithm}'");

    // Builds the env chain and trainer the run's algorithm trains with; the caller disposes both.
    static (IVectorEnv Env, ITrainer Trainer, string Summary) Build(RunDirectory run, TrainSettings settings)
    {
        IVectorEnv env;
        switch (settings.Algorithm)
        {
            case "ppo" when settings.Preference is { } preference:
            {
                var config = PpoConfigOf(run, settings);
                var inner = MakeEnv(run, settings, config.NumEnvs, config.Seed, PpoEnvironment.Options(settings.EnvThreads));
                var learner = NewLearner(run, settings.Env, inner, preference, preference.ResolveSchedule(config.TotalTimesteps, config.BatchSize), config.Seed, config.Device);
                env = PpoEnvironment.Wrap(inner, config, e => PreferenceEnvironment.Wrap(e, learner));
                try
                {
                    return (env, new PreferencePpoTrainer(new PpoTrainer(env, config), learner), $"{config.NumEnvs} envs · seed {config.Seed} · {config.Device} · {Describe(learner)}");
                }
                catch
                {
                    env.Dispose();
                    learner.Dispose();
                    throw;
                }
            }
            case "sac" when settings.Preference is { } preference:
            {
                var config = SacConfigOf(run, settings);
                var inner = MakeEnv(run, settings, config.NumEnvs, config.Seed, SacEnvironment.Options(settings.EnvThreads));
                var schedule = preference.ResolveSchedule(config.TotalTimesteps, config.LearningStarts + preference.UnsupervisedSteps);
                var learner = NewLearner(run, settings.Env, inner, preference, schedule, config.Seed, config.Device);
                env = SacEnvironment.Wrap(inner, e => PreferenceEnvironment.Wrap(e, learner));
                try
                {
                    return (env, new PebbleTrainer(new SacTrainer(env, config), learner), $"{config.NumEnvs} envs · seed {config.Seed} · {config.Device} · {Describe(learner)}");
                }
                catch
                {
                    env.Dispose();
                    learner.Dispose();
                    throw;
                }
            }
            case "ppo":
            {
                var config = PpoConfigOf(run, settings);
                env = PpoEnvironment.Wrap(MakeEnv(run, settings, config.NumEnvs, config.Seed, PpoEnvironment.Options(settings.EnvThreads)), config);
                try
                {
                    return (env, new PpoTrainer(env, config), $"{config.NumEnvs} envs · seed {config.Seed} · {config.Device}");
                }
                catch
                {
                    env.Dispose();
                    throw;
                }
            }
            case "sac":
            {
                var config = SacConfigOf(run, settings);
                env = SacEnvironment.Wrap(MakeEnv(run, settings, config.NumEnvs, config.Seed, SacEnvironment.Options(settings.EnvThreads)));
                try
                {
                    return (env, new SacTrainer(env, config), $"{config.NumEnvs} envs · seed {config.Seed} · {config.Device}");
                }
                catch
                {
                    env.Dispose();
                    throw;
                }
            }
            default:
                throw new InvalidDataException($"'{run.ConfigPath}' names algorithm '{settings.Algorithm}': expected one of {string.Join(", ", Algorithms)}");
        }
    }

    /// <summary>Folder of a run's episode videos (<c>--capture-video</c>), in its run folder.</summary>
    public const string VideosFolderName = "videos";

    // Fast quality: on a machine without a GPU it renders several times faster, so fewer videos are dropped.
    static readonly ClipSettings VideoSettings = new(Quality: RenderQuality.Fast);

    // The registry's env, filmed right above it when the run captures videos: the overlay then shows the env's own reward.
    static IVectorEnv MakeEnv(RunDirectory run, TrainSettings settings, int numEnvs, ulong seed, VectorEnvOptions options)
    {
        var env = Envs.Envs.Make(settings.Env, numEnvs, seed, options);
        if (!settings.CaptureVideo) return env;
        try
        {
            return new EpisodeVideoRecorder(env, settings.Env, Path.Combine(run.Path, VideosFolderName), VideoSettings);
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    static PreferenceRewardLearner NewLearner(RunDirectory run, string envId, IVectorEnv env, PreferenceLearningOptions options,
        QueryScheduleOptions schedule, ulong seed, string device) =>
        new(options, schedule, envId, env.NumEnvs, env.SingleObservationSpace.FlatSize, env.SingleActionSpace.FlatSize,
            EpisodeHistory.FindPhysicsState(env)?.PhysicsStateSize ?? 0, Path.Combine(run.Path, LabelStoreFileName), seed,
            TorchDevice.Parse(device)) { ModelPath = Path.Combine(run.Path, RewardModelFileName) };

    static string Describe(PreferenceRewardLearner learner)
    {
        var s = learner.Schedule;
        return string.Create(CultureInfo.InvariantCulture,
            $"reward from {s.TotalBudget} labels: first round at step {s.FirstRoundStep:N0}, then {s.BatchSize} every {s.Interval:N0} steps ({s.Selection})");
    }

    /// <summary>File name of a preference run's label store, in its run folder.</summary>
    public const string LabelStoreFileName = "labels.db";

    /// <summary>File name of a preference run's latest reward model, in its run folder.</summary>
    public const string RewardModelFileName = "reward_model.bin";

    static int Train(RunDirectory run, TrainSettings settings, ResumePlan? resume)
    {
        (IVectorEnv Env, ITrainer Trainer, string Summary) built;
        try
        {
            built = Build(run, settings);
        }
        catch when (resume is null)
        {
            // A new run that cannot even be built (too many envs, a segment longer than episodes) leaves no folder.
            Directory.Delete(run.Path, recursive: true);
            throw;
        }
        Sim.Cli.Failures.ErrorLog.UseRunFolder(run.Path);
        using var env = built.Env;
        using var trainer = built.Trainer;
        string summary = built.Summary;
        var loop = new TrainingLoop(trainer, run, settings.CheckpointEvery);
        long? resumedFrom = resume is null ? null : loop.Resume(resume);
        foreach (var damaged in loop.DamagedCheckpoints)
            Console.Error.WriteLine($"sim train: passed over damaged checkpoint '{damaged.Path}' ({damaged.Reason}); resuming from step {resumedFrom:N0}");
        using var watch = Sim.Cli.Viewing.TrainWatch.StartIfRequested(settings, env, trainer, loop);
        var videos = (env as Sim.Core.Wrappers.VectorEnvWrapper)?.Find<EpisodeVideoRecorder>();
        if (videos is not null) videos.Writer.Stopped += reason => Console.Error.WriteLine($"sim train --capture-video: {reason.TrimEnd('.')}; training goes on");

        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(settings.Env)}[/] · {settings.Algorithm} · {Markup.Escape(summary)}");
        AnsiConsole.MarkupLine($"run folder: [blue]{Markup.Escape(run.Path)}[/]" + (resumedFrom is long r ? $" (resumed at step {r:N0})" : ""));
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // finish the chunk, checkpoint, then stop
            cancel.Cancel();
        };

        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: trainer.TotalTimesteps);
                task.Value = trainer.GlobalStep;
                if (trainer is PreferenceTrainer preference)
                    preference.Learner.RewardUpdate += u => task.Description = u.Finished
                        ? string.Create(CultureInfo.InvariantCulture, $"reward model updated on {u.Labels} labels in {u.Seconds:0.0} s")
                        : $"updating the reward model on {u.Labels} labels (round {u.Round + 1})…";
                loop.Progress += p =>
                {
                    task.Value = Math.Min(p.GlobalStep, p.TotalTimesteps);
                    string ret = double.IsNaN(p.RecentReturn) ? "—" : p.RecentReturn.ToString("0.0", CultureInfo.InvariantCulture);
                    task.Description = $"{p.GlobalStep:N0} steps · {p.StepsPerSecond:N0} SPS · return {ret}";
                };
                loop.Run(cancel.Token);
            });

        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.AddRow("env steps", trainer.GlobalStep.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("recent return", double.IsNaN(trainer.RecentReturn) ? "—" : trainer.RecentReturn.ToString("0.0", CultureInfo.InvariantCulture));
        if (loop.LastTimeReport is { EnvSteps: > 0 } time)
        {
            table.AddRow("steps/s", string.Create(CultureInfo.InvariantCulture,
                $"{time.TrainingStepsPerSecond:N0} training · {time.EnvStepsPerSecond:N0} env alone · overhead {time.Overhead:0.0}×"));
            table.AddRow("time split", string.Create(CultureInfo.InvariantCulture,
                $"env {time.EnvShare:P0} · inference {time.InferenceShare:P0} · updates {time.UpdateShare:P0} · other {time.OtherShare:P0}"));
        }
        table.AddRow("learning curve", Markup.Escape(run.CurvePath));
        table.AddRow("metrics", Markup.Escape(run.MetricsPath) + " and " + Markup.Escape(run.TensorBoardPath));
        if (videos is not null) table.AddRow("videos", Markup.Escape(FinishVideos(videos.Writer)));
        table.AddRow("checkpoint", Markup.Escape(loop.LastCheckpointStep is long s ? run.Checkpoints().PathOf(s) : "—"));
        table.AddRow("continue with", Markup.Escape($"sim train --resume {run.Path}"));
        AnsiConsole.Write(table);
        return 0;
    }

    // Waits (bounded) for the videos still rendering, then says what came of them.
    static string FinishVideos(EpisodeVideoWriter writer)
    {
        if (writer.Pending > 0) AnsiConsole.MarkupLine($"finishing {writer.Pending} episode video(s)…");
        writer.Complete(EpisodeVideoWriter.DefaultCompletionTimeout);
        string unfinished = writer.Pending > 0 ? $" · {writer.Pending} unfinished" : "";
        string stopped = writer.IsStopped ? " · capture stopped (see the message above)" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{writer.Written} written · {writer.Dropped} dropped{unfinished}{stopped} · {writer.Folder}");
    }
}
