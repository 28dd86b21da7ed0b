using System.CommandLine;
using Sim.Core.Trajectories;
using Sim.Foundation;
using Sim.Labeling;
using Sim.Rewards.Labels;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot;
using Sim.Viewer.Replay;

namespace Sim.Cli.Labeling;

/// <summary><c>sim label</c>: serves the labeling page on a preference run's label store (or any label store, or pairs
/// built from recorded rollouts); <c>sim label add-labeler NAME</c> makes a labeler and prints their token once.</summary>
public static class LabelCommand
{
    /// <summary>Name of the pairs' sampler in the store when they were built from trajectory files.</summary>
    public const string TrajectorySampler = "trajectories";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var run = new Option<DirectoryInfo?>("--run") { Description = "Preference run folder: label its labels.db (clips go to its clips/)" };
        var labels = new Option<FileInfo?>("--labels") { Description = "Label store to label (created by --trajectories when missing); clips go to clips/ beside it" };
        var trajectories = new Option<FileInfo[]>("--trajectories") { Description = "Recorded rollouts (sim eval --record, sim demo) to build pairs from, added to --labels", AllowMultipleArgumentsPerToken = true };
        var pairs = new Option<int>("--pairs") { Description = "Pairs to build from --trajectories", DefaultValueFactory = _ => 50 };
        var segmentLength = new Option<int>("--segment-length") { Description = "Steps per segment built from --trajectories", DefaultValueFactory = _ => TrajectorySegments.DefaultLength };
        var seed = new Option<ulong?>("--seed") { Description = "Seed for pairs built from trajectories, sides and gold draws (default: random)" };
        var host = new Option<string>("--host") { Description = "Address to listen on (anything but loopback prints a warning)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port to listen on (0: any free port)", DefaultValueFactory = _ => 8780 };
        var newLabelers = new Option<string[]>("--new-labeler") { Description = "Add a labeler and print their page address (repeatable); a store without labelers gets labeler1" };
        var leaseMinutes = new Option<double>("--lease-minutes") { Description = "How long a shown pair stays with one labeler", DefaultValueFactory = _ => 5 };
        var perPair = new Option<int>("--labelers-per-pair") { Description = "k: different labelers asked about each pair (agreement shown in /stats)", DefaultValueFactory = _ => 1 };
        var goldRate = new Option<double>("--gold-rate") { Description = "Share of showings that are gold pairs (when any are open)", DefaultValueFactory = _ => 0.1 };
        var goldOracle = new Option<int>("--gold-oracle") { Description = "Make this many unanswered pairs gold, answered by the oracle (the larger true return)", DefaultValueFactory = _ => 0 };
        var goldFrom = new Option<string?>("--gold-from") { Description = "Make gold pairs of every answer this labeler id gave (an expert's earlier labels, e.g. human:alice)" };
        var budget = new Option<long?>("--budget") { Description = "Answers wanted, shown as progress (default: a run's label budget, else every pair times k)" };
        var rateLimit = new Option<int>("--rate-limit") { Description = "Requests per second per token (bursts of twice as many)", DefaultValueFactory = _ => 20 };
        var clipSize = new Option<int>("--clip-size") { Description = "Clip width and height in pixels (even)", DefaultValueFactory = _ => 320 };
        var renderThreads = new Option<int>("--render-threads") { Description = "Threads rendering clips ahead of the labelers", DefaultValueFactory = _ => 1 };
        var duration = new Option<double>("--duration") { Description = "Stop after this many seconds (0: run until Ctrl-C)", DefaultValueFactory = _ => 0 };
        var command = new Command("label", "Serve the labeling page: two clips side by side, answered with the keyboard; answers go to the label store")
        {
            run, labels, trajectories, pairs, segmentLength, seed, host, port, newLabelers, leaseMinutes, perPair, goldRate, goldOracle, goldFrom,
            budget, rateLimit, clipSize, renderThreads, duration,
        };
        command.SetAction(parse =>
        {
            var files = parse.GetValue(trajectories) ?? [];
            var labelsFile = parse.GetValue(labels);
            if (files.Length > 0 && labelsFile is null) labelsFile = new FileInfo("labels.db");
            var target = LabelingTarget.Resolve(parse.GetValue(run), labelsFile, mustExist: files.Length == 0);
            ulong actualSeed = parse.GetValue(seed) ?? (ulong)Random.Shared.NextInt64();
            double minutes = parse.GetValue(leaseMinutes);
            if (!(minutes > 0)) throw new ArgumentException($"--lease-minutes = {minutes}: expected a positive number of minutes");
            double seconds = parse.GetValue(duration);
            if (!(seconds >= 0)) throw new ArgumentException($"--duration = {seconds}: expected 0 or more seconds");
            int goldCount = parse.GetValue(goldOracle);
            if (goldCount < 0) throw new ArgumentException($"--gold-oracle = {goldCount}: expected 0 or more pairs");
            var options = new LabelingOptions
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                Lease = new LeasePolicy(TimeSpan.FromMinutes(minutes), parse.GetValue(perPair)),
                GoldRate = parse.GetValue(goldRate),
                Budget = parse.GetValue(budget) ?? target.Budget,
                RateLimitPerSecond = parse.GetValue(rateLimit),
                Seed = actualSeed,
                ClipFolder = target.ClipFolder,
                RewardModelPath = target.RewardModelPath,
                ClipSize = parse.GetValue(clipSize),
                RenderThreads = parse.GetValue(renderThreads),
            };
            RequireValid(options);
            if (files.Length > 0) AddTrajectoryPairs(target.LabelsPath, files, parse.GetValue(pairs), parse.GetValue(segmentLength), actualSeed);
            return Serve(target, options, parse.GetValue(newLabelers) ?? [], goldCount, parse.GetValue(goldFrom), seconds);
        });

        var name = new Argument<string>("name") { Description = "The labeler's name (letters, digits, '.', '_', '-')" };
        var addRun = new Option<DirectoryInfo?>("--run") { Description = "Preference run folder whose labels.db gets the labeler" };
        var addLabels = new Option<FileInfo?>("--labels") { Description = "Label store that gets the labeler" };
        var add = new Command("add-labeler", "Add a labeler and print their token (shown once: it is stored hashed)") { name, addRun, addLabels };
        add.SetAction(parse =>
        {
            string labeler = LabelerName.Validate(parse.GetValue(name)!);
            var target = LabelingTarget.Resolve(parse.GetValue(addRun), parse.GetValue(addLabels), mustExist: true);
            using var database = LabelingDatabase.Open(target.LabelsPath);
            string token = database.AddLabeler(labeler);
            Console.WriteLine($"labeler {labeler} added to {target.LabelsPath}");
            Console.WriteLine($"token: {token}");
            Console.WriteLine($"page:  http://127.0.0.1:<port>/?token={token}  (shown once; the store keeps only its hash)");
            return 0;
        });
        command.Subcommands.Add(add);
        return command;
    }

    // Checks options before anything is written, so bad input leaves the store as it was.
    static void RequireValid(LabelingOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            string message = e is ArgumentOutOfRangeException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "") : e.Message;
            message = message.Split(Environment.NewLine)[0];
            throw new ArgumentException(message, e);
        }
    }

    static void AddTrajectoryPairs(string labelsPath, FileInfo[] files, int count, int segmentLength, ulong seed)
    {
        if (count < 1) throw new ArgumentException($"--pairs = {count}: expected at least 1 pair");
        if (segmentLength < 1) throw new ArgumentException($"--segment-length = {segmentLength}: expected at least 1 step");
        var all = new List<Trajectory>();
        foreach (var file in files)
        {
            var read = ReplayFile.Read(file.FullName);
            if (all.Count > 0 && read.FirstOrDefault() is { } first && first.EnvId != all[0].EnvId)
                throw new ArgumentException($"trajectory file '{file.FullName}' holds {first.EnvId} episodes, '{files[0].FullName}' {all[0].EnvId}: expected one env in every file");
            all.AddRange(read);
        }
        string source = string.Join("+", files.Select(f => f.Name));
        var segments = new TrajectorySegmentSource(all, source, segmentLength);
        var rng = new SimRandom(SeedDerivation.Derive(seed, "label-trajectory-pairs"));
        var selected = new UniformQuerySampler<Segment>().Select(segments, count, ref rng);
        using var store = SegmentCodec.OpenStore(labelsPath);
        var added = store.AddPairs(selected, new PairProvenance(store.GetLastRound() + 1, TrajectorySampler));
        Console.WriteLine($"{added.Count} pairs of {segmentLength}-step segments from {files.Length} file(s) added to {labelsPath}");
    }

    static int Serve(LabelingTarget target, LabelingOptions options, IReadOnlyList<string> newLabelers, int goldOracle, string? goldFrom, double seconds)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        if (seconds > 0) stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        var host = LabelingHost.StartAsync(target, options, newLabelers, Console.Out, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        try
        {
            if (goldOracle > 0) Console.WriteLine($"{host.Database.AddOracleGold(goldOracle)} pairs made gold (oracle answers)");
            if (goldFrom is not null) Console.WriteLine($"{host.Database.AddGoldFromLabeler(goldFrom)} pairs made gold from {goldFrom}'s answers");
            Console.WriteLine(host.ProgressLine());
            stop.Token.WaitHandle.WaitOne();
            Console.WriteLine(host.ProgressLine());
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return 0;
    }
}
