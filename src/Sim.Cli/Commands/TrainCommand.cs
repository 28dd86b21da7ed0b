using System.CommandLine;
using System.Globalization;
using Sim.Core;
using Sim.Core.Spaces;
using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Feedback;
using Sim.Learning.Oni;
using Sim.Learning.Progress;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Dynamics;
using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Learning.Training;
using Sim.Learning.Replay;
using Sim.Cli.Labeling;
using Sim.Labeling;
using Sim.Torch;
using Sim.Viewer.Clips;
using Sim.Viewer.Recording;
using Sim.Viewer.Rendering;
using Spectre.Console;

namespace Sim.Cli.Commands;

/// <summary><c>sim train</c>: trains an agent in a run folder with metrics, checkpoints, plots and resume.</summary>
public static class TrainCommand
{
    static IReadOnlyList<string> Algorithms => RunRegistry.Default.AlgorithmNames;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "Env id (see `sim envs`)", DefaultValueFactory = _ => "CartPole-v1" };
        var envArgs = new Option<string[]>("--env-arg")
        {
            Description = "An env keyword argument, Gymnasium's v5 names: --env-arg frame_skip=2 --env-arg healthy_z_range=0.8,2 --env-arg xml_file=my_hopper.xml (recorded in config.json)",
            AllowMultipleArgumentsPerToken = false,
        };
        var algo = new Option<string>("--algo") { Description = "Algorithm: " + string.Join(", ", Algorithms), DefaultValueFactory = _ => "ppo" };
        var numEnvs = new Option<int?>("--num-envs") { Description = "Envs stepped together (default: the algorithm's)" };
        var steps = new Option<double>("--steps") { Description = "Total env steps, e.g. 1e6", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for envs, networks and sampling", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int>("--threads") { Description = "Worker threads stepping the envs", DefaultValueFactory = _ => 1 };
        var torchThreads = new Option<int?>("--torch-threads") { Description = "CPU threads torch may use (default: 1 for PPO, whose small networks gain nothing from more; up to " + SacRunAlgorithm.DefaultTorchThreads + " for SAC, whose 256-wide updates run 1.35x faster on 2)" };
        var runs = new Option<DirectoryInfo>("--runs") { Description = "Folder that holds run folders", DefaultValueFactory = _ => new DirectoryInfo("runs") };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Run folder to continue from its latest checkpoint (its config.json wins over other options)" };
        var checkpointEvery = new Option<double>("--checkpoint-every") { Description = "Env steps between checkpoints", DefaultValueFactory = _ => 50_000 };
        var hparams = new Option<string>("--hparams") { Description = "PPO hyperparameters: " + string.Join(", ", PpoPresets.Names) + " (zoo: the RL Baselines3 Zoo's tuned settings, for " + string.Join(", ", PpoPresets.ZooEnvs) + ")", DefaultValueFactory = _ => PpoPresets.CleanRl };
        var reward = new Option<string>("--reward") { Description = "Reward the policy trains on: env (the env's own), preference (learned from labels: PEBBLE with --algo sac, Christiano et al. with --algo ppo), oni (the env's plus an intrinsic reward from an LLM's judgements of event captions; --algo ppo), potential (the env's plus γΦ(s′) − Φ(s), Φ = −distance to the goal, on goal envs) or spa (the env's plus stepwise progress attribution, c_t + g_t: a progress estimator trained so each episode's c_t add up to its success bit, or its return with --delayed-reward)", DefaultValueFactory = _ => "env" };
        var teacher = new Option<string>("--teacher") { Description = "Who answers for --reward preference: a scripted teacher (" + string.Join(", ", PreferenceTeachers.Names) + "), human (people on the labeling page this run serves) or llm (an LLM judging the segments' event captions; --llm-url, --llm-model)", DefaultValueFactory = _ => PreferenceTeachers.Oracle };
        var labelWait = new Option<int?>("--label-wait") { Description = "--teacher human: pause training while more than N asked pairs are unanswered; answers on the page or Ctrl-C (checkpoint and stop) end a pause (default: keep training on the current reward model)" };
        var minGold = new Option<double?>("--min-gold-accuracy") { Description = "--teacher human: leave out labelers whose gold-pair accuracy is below this share (after " + GoldAccuracyFilter.MinimumGoldAnswers + " gold answers)" };
        var labelPort = new Option<int>("--label-port") { Description = "--teacher human: port of the labeling page served on 127.0.0.1 (0: any free port; -1: serve none, run `sim label --run` beside it)", DefaultValueFactory = _ => 8780 };
        var labelClipSize = new Option<int>("--label-clip-size") { Description = "--teacher human: clip width and height in pixels", DefaultValueFactory = _ => 320 };
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
        var reed = new Option<string?>("--reed")
        {
            Description = "With --reward preference: REED, whose reward encoders learn the env's dynamics from every transition before each reward update: simsiam (the default) or contrastive",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var reedSet = new Option<string[]>("--reed-set")
        {
            Description = "With --reed: override REED's schedule or encoder sizes, e.g. --reed-set epochs=10 --reed-set state_embedding=64 (snake_case names of the reed section of config.json)",
            AllowMultipleArgumentsPerToken = false,
        };
        var unsupervised = new Option<double>("--unsupervised-steps") { Description = "SAC: steps of state-entropy pre-training before the first query round", DefaultValueFactory = _ => 9_000 };
        var captureVideo = new Option<bool>("--capture-video")
        {
            Description = "Render videos of env 0's episodes 0, 1, 8, 27, …, 729, 1000, 2000, … into the run's videos/ folder, on a low-priority thread",
        };
        var oniModel = new Option<string>("--oni-model") { Description = "With --reward oni: how the LLM's answers about event captions become an intrinsic reward: retrieval, classification or ranking", DefaultValueFactory = _ => "retrieval" };
        var llmUrl = new Option<string?>("--llm-url") { Description = "With --reward oni or --teacher llm: base URL of an OpenAI-compatible chat-completions server, e.g. http://127.0.0.1:8000/v1 (vLLM) or http://127.0.0.1:8080/v1 (llama.cpp)" };
        var llmModel = new Option<string?>("--llm-model") { Description = "With --reward oni or --teacher llm: the model name the server serves" };
        var llmKeyEnv = new Option<string>("--llm-key-env") { Description = "With --reward oni or --teacher llm: the environment variable holding the API key (the key itself is never written anywhere)", DefaultValueFactory = _ => LlmOptions.DefaultApiKeyVariable };
        var delayedReward = new Option<bool>("--delayed-reward") { Description = "Delay the env's reward to the end of each episode: 0 on every step, the whole return on the last (delayed MuJoCo; recorded in config.json)" };
        var her = new Option<bool>("--her") { Description = "SAC on a goal env (ArmReach-v1, ArmPush-v1): hindsight experience replay, relabelling k/(k+1) of every batch with achieved goals" };
        var herStrategy = new Option<string?>("--her-strategy") { Description = "With --her: which achieved goal replaces the desired one: future (a later step of the episode; the default), final or episode" };
        var herK = new Option<int?>("--her-k") { Description = "With --her: relabelled goals per real one (default 4)" };
        var spaEps = new Option<double?>("--spa-grounding-eps") { Description = "With --reward spa: ε, how far (in goal units, metres on the arms) the achieved goal must move in a step for the grounding signal g_t to fire (default 0.005)" };
        var spaWeight = new Option<double?>("--spa-grounding-weight") { Description = "With --reward spa: g_t when it fires (default 0.5; 0 turns grounding off; envs without goals have none)" };
        var spaEnvReward = new Option<string?>("--spa-env-reward") { Description = "With --reward spa: keep (the env's reward plus c_t + g_t; the default) or drop (c_t + g_t alone; the default with --delayed-reward, whose return c_t already adds up to)" };
        var spaUpdateEvery = new Option<double?>("--spa-update-every") { Description = "With --reward spa: env steps between progress-estimator updates (default 1000)" };
        var spaSampledSteps = new Option<int?>("--spa-sampled-steps") { Description = "With --reward spa: fit the sums of K random steps per episode against the outcome scaled by K/T (randomized return decomposition, RRD), fresh subsets on every pass; 0, the default, fits whole episodes" };
        var spaSet = new Option<string[]>("--spa-set")
        {
            Description = "With --reward spa: override an SPA setting by its snake_case name, e.g. --spa-set hidden_layers=1 --spa-set hidden_size=64 (also epochs_per_update, max_episodes, batch_size, learning_rate; recorded in config.json)",
            AllowMultipleArgumentsPerToken = false,
        };
        var watch = new Option<bool>("--watch") { Description = "Open a viewer on a copy of one env with the policy as it trains (weights synced every 2 s)" };
        var command = new Command("train", "Train an agent; writes runs/<env>__<algo>__<seed>__<time>/ with config, metrics.csv, TensorBoard events, checkpoints and curve.png")
        {
            env, envArgs, algo, numEnvs, steps, seed, device, threads, torchThreads, runs, resume, checkpointEvery, hparams, set,
            reward, teacher, labels, sampler, segmentLength, labelsPerRound, roundEvery, unsupervised, captureVideo, watch, reed, reedSet,
            labelWait, minGold, labelPort, labelClipSize, oniModel, llmUrl, llmModel, llmKeyEnv, delayedReward, her, herStrategy, herK,
            spaEps, spaWeight, spaEnvReward, spaUpdateEvery, spaSampledSteps, spaSet,
        };
        command.SetAction(parse =>
        {
            var resumeDir = parse.GetValue(resume);
            var overrides = parse.GetValue(set) ?? [];
            if (resumeDir != null && (parse.GetValue(reedSet) ?? []).Length > 0)
                throw new ArgumentException($"--reed-set with --resume: a resumed run keeps the REED settings in its config.json");
            if (resumeDir != null && (parse.GetValue(her) || parse.GetValue(delayedReward)))
                throw new ArgumentException($"{(parse.GetValue(her) ? "--her" : "--delayed-reward")} with --resume: a resumed run keeps its settings in its config.json");
            if (resumeDir != null && overrides.Length > 0)
                throw new ArgumentException($"--set {string.Join(" --set ", overrides)} with --resume: a resumed run keeps the hyperparameters in its config.json");
            var envArguments = Core.Registry.EnvArguments.Parse(parse.GetValue(envArgs) ?? []);
            if (resumeDir != null && envArguments.Count > 0)
                throw new ArgumentException($"--env-arg with --resume: a resumed run keeps the env arguments in its config.json");
            // On resume the run's config.json decides everything, except a --steps given explicitly, which extends the budget.
            bool watching = parse.GetValue(watch);
            var serving = new LabelServing(parse.GetValue(labelPort), parse.GetValue(labelClipSize));
            serving.Validate();
            if (resumeDir != null) return Resume(resumeDir, parse.GetResult(steps) is { Implicit: false } ? parse.GetValue(steps) : null, watching, serving);
            // An MJCF file is recorded by its full path, so resume, eval and the viewer find it from any folder.
            string envId = parse.GetValue(env)!;
            if (IsMjcfPath(envId)) envId = Path.GetFullPath(envId);
            var section = NewSection(envId, envArguments, parse.GetValue(algo)!, parse.GetValue(numEnvs), parse.GetValue(steps),
                parse.GetValue(seed), parse.GetValue(device)!, parse.GetValue(threads), parse.GetValue(torchThreads), parse.GetValue(checkpointEvery), parse.GetValue(hparams)!, overrides);
            var settings = WithReward(section.Config, parse.GetValue(reward)!, parse.GetValue(teacher)!, parse.GetValue(labels), parse.GetValue(sampler)!,
                parse.GetValue(segmentLength), parse.GetValue(labelsPerRound), parse.GetValue(roundEvery), parse.GetValue(unsupervised),
                parse.GetValue(labelWait), parse.GetValue(minGold));
            settings = WithOni(settings, parse.GetValue(oniModel)!, parse.GetResult(oniModel) is { Implicit: false }, parse.GetValue(llmUrl),
                parse.GetValue(llmModel), parse.GetValue(llmKeyEnv)!);
            var reedOverrides = parse.GetValue(reedSet) ?? [];
            if (parse.GetResult(reed) is not null) settings = WithReed(settings, parse.GetValue(reed), reedOverrides);
            else if (reedOverrides.Length > 0) throw new ArgumentException($"--reed-set {string.Join(" --reed-set ", reedOverrides)} without --reed: the overrides are REED's; add --reed");
            settings = settings with { CaptureVideo = parse.GetValue(captureVideo), DelayedReward = parse.GetValue(delayedReward) };
            settings = WithHindsight(settings, parse.GetValue(her), parse.GetValue(herStrategy), parse.GetValue(herK));
            settings = WithSpa(settings, parse.GetValue(spaEps), parse.GetValue(spaWeight), parse.GetValue(spaEnvReward), parse.GetValue(spaUpdateEvery),
                parse.GetValue(spaSampledSteps), parse.GetValue(spaSet) ?? []);
            RequireGoalEnvForPotential(settings);
            OutputPath.RequireWritableFolder("--runs", parse.GetValue(runs)!);
            var run = RunDirectory.Create(parse.GetValue(runs)!.FullName, RunNameEnvPart(settings.Env), settings.Algorithm, section.Settings.Seed, DateTimeOffset.UtcNow);
            run.SaveConfig(settings);
            return Train(new RunDefinition(run, settings), resume: null, watching, serving);
        });
        return command;
    }

    static bool IsMjcfPath(string envId) => envId.EndsWith(".xml", StringComparison.OrdinalIgnoreCase);

    // A run folder is named after its env: an MJCF path contributes its file name, reduced to the characters run names allow.
    static string RunNameEnvPart(string envId)
    {
        if (!IsMjcfPath(envId)) return envId;
        var name = new string(Path.GetFileNameWithoutExtension(envId).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
        while (name.Contains("__", StringComparison.Ordinal)) name = name.Replace("__", "_", StringComparison.Ordinal);
        name = name.Trim('_');
        if (name.Length == 0) name = "mjcf";
        return name.Length > RunName.MaxPartLength ? name[..RunName.MaxPartLength] : name;
    }

    static NewRunSection NewSection(string envId, SortedDictionary<string, string> envArgs, string algo, int? numEnvs, double steps, ulong seed, string device,
        int threads, int? torchThreads, double checkpointEvery, string hparams, IReadOnlyList<string> overrides)
    {
        if (RunRegistry.Default.FindAlgorithm(algo) is null) throw new ArgumentException($"--algo '{algo}': expected one of {string.Join(", ", Algorithms)}");
        if (!(steps >= 1) || steps > long.MaxValue) throw new ArgumentException($"--steps = {steps}: expected a positive number of env steps");
        if (!(checkpointEvery >= 1)) throw new ArgumentException($"--checkpoint-every = {checkpointEvery}: expected a positive number of env steps");
        if (torchThreads is < 1) throw new ArgumentException($"--torch-threads = {torchThreads}: expected at least 1");
        if (numEnvs is < 1) throw new ArgumentException($"--num-envs = {numEnvs}: expected at least 1 env");
        CheckDevice(device, "--device");
        using var probe = Envs.Envs.Registry.Create(envId, 1, VectorEnvOptions.Default, envArgs);
        var config = new RunConfig
        {
            Env = envId,
            EnvArgs = envArgs.Count == 0 ? null : envArgs,
            Algorithm = algo,
            EnvThreads = threads,
            CheckpointEvery = (long)checkpointEvery,
        };
        var section = RunRegistry.Default.FindAlgorithm(algo)!.CreateSection(config, new NewRunOptions
        {
            Seed = seed,
            Device = device,
            TotalTimesteps = (long)steps,
            NumEnvs = numEnvs,
            TorchThreads = torchThreads,
            Preset = hparams,
            Overrides = overrides,
        }, probe);
        CheckDevice(section.Settings.Device, "--set device");
        EnvMemoryBudget.Require($"--num-envs = {section.Settings.NumEnvs}", envId, probe, section.Settings.NumEnvs, section.StorageBytes);
        return section;
    }

    static RunConfig WithReward(RunConfig settings, string reward, string teacher, int labels, string sampler, int segmentLength,
        int? labelsPerRound, double? roundEvery, double unsupervisedSteps, int? labelWait = null, double? minGoldAccuracy = null)
    {
        if (RunRegistry.Default.FindRewardSource(reward) is null)
            throw new ArgumentException($"--reward '{reward}': expected one of {string.Join(", ", RunRegistry.Default.RewardSourceNames)}");
        if (reward != PreferenceRewardSource.SourceName) return settings with { Reward = reward };
        if (!Enum.TryParse<QuerySelection>(sampler, ignoreCase: true, out var selection) || !Enum.IsDefined(selection))
            throw new ArgumentException($"--sampler '{sampler}': expected uniform, disagreement or entropy");
        if (roundEvery is double every && !(every >= 1)) throw new ArgumentException($"--round-every = {every}: expected at least 1 env step");
        if (!(unsupervisedSteps >= 0)) throw new ArgumentException($"--unsupervised-steps = {unsupervisedSteps}: expected 0 or more env steps");
        if (teacher != PreferenceTeachers.Human && (labelWait is not null || minGoldAccuracy is not null))
            throw new ArgumentException($"{(labelWait is not null ? "--label-wait" : "--min-gold-accuracy")} with --teacher {teacher}: expected --teacher human (scripted teachers answer at once)");
        if (labelWait is < 0) throw new ArgumentException($"--label-wait = {labelWait}: expected 0 or more outstanding answers");
        if (minGoldAccuracy is double gold && !(gold >= 0 && gold <= 1)) throw new ArgumentException($"--min-gold-accuracy = {gold}: expected a share in 0..1");
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
            LabelWait = labelWait,
            MinGoldAccuracy = minGoldAccuracy,
        };
        // An LLM teacher's server settings are added (and the whole section checked) by WithOni.
        if (teacher != PreferenceTeachers.Llm) options.Validate();
        return settings with { Reward = reward, Preference = options };
    }

    // ONI's settings: the reward model and the LLM endpoint. The key stays in the environment; config.json names the variable.
    static RunConfig WithOni(RunConfig settings, string model, bool modelGiven, string? url, string? llmModel, string keyVariable)
    {
        if (settings.Preference?.Teacher == PreferenceTeachers.Llm)
        {
            if (modelGiven) throw new ArgumentException("--oni-model with --teacher llm: it chooses ONI's reward model; add --reward oni instead of --reward preference");
            var llm = Llm(url, llmModel, keyVariable, "--teacher llm");
            var preference = settings.Preference with { Llm = llm };
            preference.Validate();
            return settings with { Preference = preference };
        }
        if (settings.Reward != OniRewardSource.SourceName)
        {
            string? stray = modelGiven ? "--oni-model" : url is not null ? "--llm-url" : llmModel is not null ? "--llm-model" : null;
            if (stray is not null) throw new ArgumentException($"{stray} with --reward {settings.Reward}: the LLM settings are for --reward oni or --teacher llm");
            return settings;
        }
        if (settings.Algorithm != "ppo")
            throw new ArgumentException($"--reward oni with --algo {settings.Algorithm}: ONI's reward depends on each step's caption and cannot relabel a replay buffer; use --algo ppo");
        if (!Enum.TryParse<OniRewardModelKind>(model, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            throw new ArgumentException($"--oni-model '{model}': expected retrieval, classification or ranking");
        using (var probe = Envs.Envs.Registry.Create(settings.Env, 1, VectorEnvOptions.Default, settings.EnvArgs))
            if (probe.Infos.Captions is null)
                throw new ArgumentException($"--reward oni with --env {settings.Env}: that task emits no event captions; expected one that does (ArmPush-v1, ArmReach-v1, ReacherSparse-v1, Hopper, Walker2d, HalfCheetah)");
        var options = new OniOptions { Model = kind, Llm = Llm(url, llmModel, keyVariable, "--reward oni") };
        if (options.FindProblem() is { } problem) throw new ArgumentException($"--reward oni: {problem}");
        return settings with { Oni = options };
    }

    static LlmOptions Llm(string? url, string? model, string keyVariable, string user)
    {
        if (url is null) throw new ArgumentException($"{user} without --llm-url: expected the base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1");
        if (model is null) throw new ArgumentException($"{user} without --llm-model: expected the model name the server serves");
        var options = new LlmOptions { BaseUrl = url, Model = model, ApiKeyVariable = keyVariable };
        if (options.FindProblem() is { } problem) throw new ArgumentException($"{user}: {problem}");
        return options;
    }

    // SPA's settings, checked against the env before any run folder exists.
    static RunConfig WithSpa(RunConfig settings, double? epsilon, double? weight, string? envReward, double? updateEvery, int? sampledSteps, IReadOnlyList<string> overrides)
    {
        if (settings.Reward != SpaRewardSource.SourceName)
        {
            string? stray = epsilon is not null ? "--spa-grounding-eps" : weight is not null ? "--spa-grounding-weight"
                : envReward is not null ? "--spa-env-reward" : updateEvery is not null ? "--spa-update-every"
                : sampledSteps is not null ? "--spa-sampled-steps" : overrides.Count > 0 ? SpaOverrides.OptionName : null;
            if (stray is not null) throw new ArgumentException($"{stray} with --reward {settings.Reward}: the option is SPA's; add --reward spa");
            return settings;
        }
        if (epsilon is double eps && !(eps >= 0 && double.IsFinite(eps)))
            throw new ArgumentException($"--spa-grounding-eps = {eps.ToString(CultureInfo.InvariantCulture)}: expected a finite distance ≥ 0");
        if (weight is double w && !double.IsFinite(w))
            throw new ArgumentException($"--spa-grounding-weight = {w.ToString(CultureInfo.InvariantCulture)}: expected a finite number");
        if (envReward is not null and not ("keep" or "drop")) throw new ArgumentException($"--spa-env-reward '{envReward}': expected keep or drop");
        if (updateEvery is double every && !(every >= 1 && every <= long.MaxValue))
            throw new ArgumentException($"--spa-update-every = {every.ToString(CultureInfo.InvariantCulture)}: expected at least 1 env step");
        if (sampledSteps is < 0) throw new ArgumentException($"--spa-sampled-steps = {sampledSteps}: expected 0 (whole episodes) or a number of steps per episode");
        var defaults = new SpaOptions();
        var options = new SpaOptions
        {
            Outcome = settings.DelayedReward ? SpaOutcome.DelayedReturn : SpaOutcome.Success,
            GroundingEpsilon = epsilon ?? defaults.GroundingEpsilon,
            GroundingWeight = weight ?? defaults.GroundingWeight,
            // Under --delayed-reward the env's reward is the return paid once at the end, which c_t already adds up to:
            // keeping it would pay the outcome twice, all of it on the last step, so there the default is drop.
            KeepEnvReward = envReward is null ? !settings.DelayedReward : envReward == "keep",
            UpdateEvery = updateEvery is double steps ? (long)steps : defaults.UpdateEvery,
            SampledSteps = sampledSteps ?? defaults.SampledSteps,
        };
        options = SpaOverrides.Apply(options, overrides);
        using (var probe = Envs.Envs.Registry.Create(settings.Env, 1, VectorEnvOptions.Default, settings.EnvArgs))
            if (SpaRewardSource.FindProblem(probe, settings.Env, settings.DelayedReward, settings.Sac is not null, options) is { } problem)
                throw new ArgumentException($"--reward spa: {problem}");
        return settings with { Spa = options };
    }

    // Potential shaping needs goals; refused here rather than when the chain is built, after the run folder exists.
    static void RequireGoalEnvForPotential(RunConfig settings)
    {
        if (settings.Reward != PotentialRewardSource.SourceName) return;
        using var probe = Envs.Envs.Registry.Create(settings.Env, 1, VectorEnvOptions.Default, settings.EnvArgs);
        if (GoalEnvLookup.Find(probe, out _) is null)
            throw new ArgumentException($"--reward potential on {settings.Env}: potential shaping needs a goal env with achieved and desired goals (ArmReach-v1, ArmPush-v1)");
    }

    static RunConfig WithHindsight(RunConfig settings, bool her, string? strategy, int? k)
    {
        if (!her)
        {
            if (strategy is not null || k is not null)
                throw new ArgumentException($"{(strategy is not null ? "--her-strategy" : "--her-k")} without --her: the option is hindsight replay's; add --her");
            return settings;
        }
        if (settings.Sac is not { } sac)
            throw new ArgumentException($"--her with --algo {settings.Algorithm}: hindsight replay relabels an off-policy replay buffer; use --algo sac");
        var chosen = HindsightStrategy.Future;
        if (strategy is not null && (!Enum.TryParse(strategy, ignoreCase: true, out chosen) || !Enum.IsDefined(chosen) || int.TryParse(strategy, out _)))
            throw new ArgumentException($"--her-strategy '{strategy}': expected future, final or episode");
        if (k is < 1) throw new ArgumentException($"--her-k = {k}: expected at least 1 relabelled goal per real one");
        using (var probe = Envs.Envs.Registry.Create(settings.Env, 1, VectorEnvOptions.Default, settings.EnvArgs))
        {
            try
            {
                SacTrainer.GoalEnvOf(probe);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"--her on {settings.Env}: {e.Message.Split(" (Parameter")[0]}", e);
            }
        }
        sac = sac with { Her = chosen, HerK = k ?? sac.HerK };
        sac.Validate();
        return settings with { Sac = sac };
    }

    static RunConfig WithReed(RunConfig settings, string? variant, IReadOnlyList<string> overrides)
    {
        if (settings.Preference is null)
            throw new ArgumentException($"--reed with --reward {settings.Reward}: REED learns a reward from preferences; add --reward preference");
        var objective = (variant ?? "simsiam").ToLowerInvariant() switch
        {
            "simsiam" => DynamicsObjectiveKind.SimSiam,
            "contrastive" => DynamicsObjectiveKind.Contrastive,
            _ => throw new ArgumentException($"--reed '{variant}': expected simsiam or contrastive"),
        };
        var options = DynamicsPretrainingOverrides.Apply(new DynamicsPretrainingOptions { Objective = objective }, overrides);
        return settings with { Preference = settings.Preference with { Reed = options } };
    }

    static int Resume(DirectoryInfo folder, double? steps, bool watching, LabelServing serving)
    {
        var run = RunDefinition.Load(RunDirectory.Open(folder.FullName));
        var algorithm = RunRegistry.Default.AlgorithmOf(run);
        CheckDevice(algorithm.Settings(run).Device, $"'{run.Directory.ConfigPath}' device");
        bool budgetChanged = steps is not null;
        if (steps is double total)
        {
            if (!(total >= 1) || total > long.MaxValue) throw new ArgumentException($"--steps = {total}: expected a positive number of env steps");
            run = run with { Config = algorithm.WithTotalTimesteps(run, (long)total) };
        }
        // Everything that can refuse the resume (no checkpoint, a spent budget) does so before config.json changes.
        var plan = ResumePlan.For(run.Directory, algorithm.Settings(run).TotalTimesteps);
        if (budgetChanged) run.Directory.SaveConfig(run.Config);
        return Train(run, plan, watching, serving);
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

    /// <summary>Folder of a run's episode videos (<c>--capture-video</c>), in its run folder.</summary>
    public const string VideosFolderName = "videos";

    // Fast quality: on a machine without a GPU it renders several times faster, so fewer videos are dropped.
    static readonly ClipSettings VideoSettings = new(Quality: RenderQuality.Fast);

    // Films the registry's env right above it when the run captures videos: the overlay then shows the env's own reward.
    static Func<IVectorEnv, IVectorEnv>? VideoRecorder(RunDefinition run)
    {
        if (!run.Config.CaptureVideo) return null;
        return env =>
        {
            try
            {
                return new EpisodeVideoRecorder(env, run.Config.Env, Path.Combine(run.Directory.Path, VideosFolderName), VideoSettings,
                    envArgs: run.Config.EnvArgs);
            }
            catch
            {
                env.Dispose();
                throw;
            }
        };
    }

    static int Train(RunDefinition definition, ResumePlan? resume, bool watching, LabelServing serving)
    {
        var (run, settings) = (definition.Directory, definition.Config);
        TrainingRun building;
        try
        {
            building = RunRegistry.Default.BuildTraining(definition, Envs.Envs.Registry, VideoRecorder(definition));
        }
        catch when (resume is null)
        {
            // A new run that cannot even be built (too many envs, a segment longer than episodes) leaves no folder.
            Directory.Delete(run.Path, recursive: true);
            throw;
        }
        using var built = building;
        Sim.Cli.Failures.ErrorLog.UseRunFolder(run.Path);
        var env = built.Env;
        var trainer = built.Trainer;
        string summary = built.Summary;
        var loop = new TrainingLoop(trainer, run, settings.CheckpointEvery);
        long? resumedFrom = resume is null ? null : loop.Resume(resume);
        foreach (var damaged in loop.DamagedCheckpoints)
            Console.Error.WriteLine($"sim train: passed over damaged checkpoint '{damaged.Path}' ({damaged.Reason}); resuming from step {resumedFrom:N0}");
        using var watch = watching ? Sim.Cli.Viewing.TrainWatch.Start(definition, built, loop) : null;
        var videos = (env as Sim.Core.Wrappers.VectorEnvWrapper)?.Find<EpisodeVideoRecorder>();
        if (videos is not null) videos.Writer.Stopped += reason => Console.Error.WriteLine($"sim train --capture-video: {reason.TrimEnd('.')}; training goes on");

        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(settings.Env)}[/] · {settings.Algorithm} · {Markup.Escape(summary)}");
        AnsiConsole.MarkupLine($"run folder: [blue]{Markup.Escape(run.Path)}[/]" + (resumedFrom is long r ? $" (resumed at step {r:N0})" : ""));
        using var cancel = new CancellationTokenSource();
        var human = trainer is PreferenceTrainer { Learner: PreferenceRewardLearner learner } && settings.Preference?.Teacher == PreferenceTeachers.Human
            ? learner : null;
        using var labeling = human is null ? null : HumanLabeling.Start(definition, human, serving, cancel.Token);
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
                if (human is not null)
                    human.WaitingForAnswers += pending => task.Description = $"paused: {pending} answers outstanding (--label-wait {settings.Preference!.LabelWait})";
                if (trainer is PreferenceTrainer { Learner: PreferenceRewardLearner preference })
                    preference.RewardUpdate += u => task.Description = u.Finished
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
