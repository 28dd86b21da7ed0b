using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Sim.Foundation;
using Sim.Core.Trajectories;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;
using Sim.Viewer.ClassicControl;
using Sim.Viewer.Clips;
using Sim.Viewer.Rendering;
using Sim.Viewer.Gl;
using Sim.Viewer.Replay;

namespace Sim.Cli.Commands;

/// <summary><c>sim clips</c>: renders recorded segments (of trajectory files, or the pairs of a preference run's label store)
/// offscreen into content-addressed MP4/WebM clips with poster PNGs;
/// <c>sim clips bench</c> measures rendering speed for docs/benchmarks.md.</summary>
public static class ClipsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo?>("trajectories")
        {
            Description = "Trajectory file (e.g. written by `sim eval --record`); give this or --labels",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var labels = new Option<FileInfo?>("--labels") { Description = "Label store (labels.db of a preference run): render both segments of its pairs" };
        var pairs = new Option<string>("--pairs") { DefaultValueFactory = _ => "all", Description = "Pairs of --labels to render: all, unlabeled or labeled" };
        pairs.AcceptOnlyFromAmong("all", "unlabeled", "labeled");
        var output = new Option<DirectoryInfo>("--out") { Description = "Clip folder (content-addressed cache)", DefaultValueFactory = _ => new DirectoryInfo("clips") };
        var length = new Option<int>("--length") { Description = "Frames per segment of a trajectory file; 0 renders whole trajectories (--labels renders whole segments)", DefaultValueFactory = _ => 50 };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => 480, Description = "Frame width in pixels (even)" };
        var height = new Option<int>("--height") { DefaultValueFactory = _ => 480, Description = "Frame height in pixels (even)" };
        var fps = new Option<int>("--fps") { DefaultValueFactory = _ => 30, Description = "Frames per second" };
        var camera = new Option<string?>("--camera") { Description = "free, tracking, tracking:BODY or a model camera name (default: the env's)" };
        var overlay = new Option<bool?>("--overlay") { Description = "Draw the step and return: true or false (default: true for trajectory files, false for --labels, where the true return would give the answer away)" };
        var format = new Option<ClipFormat>("--format") { DefaultValueFactory = _ => ClipFormat.Mp4, Description = "Mp4 (H.264) or WebM (VP9)" };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount, Description = "Rendering threads (one OpenGL context each)" };
        var quality = new Option<RenderQuality>("--quality") { DefaultValueFactory = _ => RenderQuality.Full, Description = "Full (the model's multisampling, shadows and reflections) or Fast (none of them; several times faster on a CPU-only machine)" };
        var backend = new Option<GlBackend>("--gl") { DefaultValueFactory = _ => GlBackend.Auto, Description = "OpenGL backend: Auto, Egl or Glfw (needs DISPLAY or xvfb-run -a)" };

        var command = new Command("clips", "Render recorded segments to MP4/WebM clips with poster PNGs (offscreen, cached by content)")
        {
            file, labels, pairs, output, length, width, height, fps, camera, overlay, format, quality, threads, backend,
        };
        command.SetAction(parse =>
        {
            var trajectories = parse.GetValue(file);
            var store = parse.GetValue(labels);
            var settings = new ClipSettings(parse.GetValue(width), parse.GetValue(height), parse.GetValue(fps), parse.GetValue(camera),
                parse.GetValue(overlay) ?? store is null, parse.GetValue(format), parse.GetValue(quality));
            if ((trajectories is null) == (store is null))
                throw new ArgumentException(trajectories is null
                    ? "no input: expected a trajectory file argument or --labels <labels.db>"
                    : $"both a trajectory file ('{trajectories}') and --labels ('{store}') were given: expected exactly one of them");
            var folder = parse.GetValue(output)!;
            return RemovingNewEmptyFolderOnFailure(folder, () => store is null
                ? Render(trajectories!, folder, parse.GetValue(length), settings, parse.GetValue(threads), parse.GetValue(backend))
                : RenderPairs(store, parse.GetValue(pairs)!, folder, settings, parse.GetValue(threads), parse.GetValue(backend)));
        });

        var env = new Option<string>("--env") { DefaultValueFactory = _ => "HalfCheetah-v5", Description = "Env to roll out and render" };
        var clipCount = new Option<int>("--clips") { DefaultValueFactory = _ => 8, Description = "Clips to render per thread count" };
        var threadCounts = new Option<int[]>("--threads") { DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true, Description = "Thread counts to measure" };
        var benchLength = new Option<int>("--length") { DefaultValueFactory = _ => 50, Description = "Frames per clip" };
        var qualities = new Option<RenderQuality[]>("--quality") { DefaultValueFactory = _ => [RenderQuality.Full, RenderQuality.Fast], AllowMultipleArgumentsPerToken = true, Description = "Render qualities to measure" };
        var bench = new Command("bench", "Measure clip rendering frames/s (render + encode) at a resolution, for docs/benchmarks.md")
        {
            env, clipCount, threadCounts, benchLength, width, height, qualities, backend,
        };
        bench.SetAction(parse => Bench(parse.GetValue(env)!, parse.GetValue(clipCount), parse.GetValue(threadCounts)!, parse.GetValue(benchLength),
            parse.GetValue(width), parse.GetValue(height), parse.GetValue(qualities)!, parse.GetValue(backend)));
        command.Subcommands.Add(bench);
        return command;
    }

    // The renderer makes the clip folder before its first clip; when that clip fails (a camera the model lacks, no display)
    // a folder the command made and left empty is removed, so a failed command leaves nothing behind.
    static int RemovingNewEmptyFolderOnFailure(DirectoryInfo folder, Func<int> render)
    {
        bool existed = Directory.Exists(folder.FullName);
        try
        {
            return render();
        }
        catch when (!existed && Directory.Exists(folder.FullName) && !Directory.EnumerateFileSystemEntries(folder.FullName).Any())
        {
            Directory.Delete(folder.FullName);
            throw;
        }
    }

    static int Render(FileInfo file, DirectoryInfo output, int length, ClipSettings settings, int threads, GlBackend backend)
    {
        if (length < 0) throw new ArgumentException($"--length = {length}: expected frames per clip (at least 1), or 0 for whole trajectories");
        settings.Validate();
        OutputPath.RequireWritableFolder("--out", output);
        IReadOnlyList<Trajectory> trajectories = ReplayFile.Read(file.FullName);
        var requests = new List<ClipRequest>();
        foreach (var t in trajectories)
        {
            var whole = ClipRequest.Whole(t, settings);
            if (length <= 0) { requests.Add(whole); continue; }
            for (int start = 0; start + length <= whole.Length; start += length) requests.Add(new ClipRequest(t, start, length, settings));
        }
        if (requests.Count == 0)
        {
            int longest = trajectories.Count == 0 ? 0 : trajectories.Max(t => ClipRequest.Whole(t, settings).Length);
            throw new ArgumentException(trajectories.Count == 0
                ? $"trajectory file '{file.FullName}' holds no trajectories: nothing to render"
                : $"--length = {length}: every trajectory in '{file.FullName}' is shorter (the longest has {longest} frames), so no clip fits; use --length 0 to render whole trajectories, or a length of at most {longest}");
        }
        ClipInputCheck.RequireRenderable(file.FullName, trajectories, requests);
        using var renderer = new ClipRenderer(output.FullName, backend);
        var watch = Stopwatch.StartNew();
        var results = renderer.RenderAll(requests, threads);
        foreach (var r in results) Console.WriteLine($"{(r.Rendered ? "rendered" : "cached  ")} {r.VideoPath}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} clips ({renderer.ClipsRendered} rendered, {renderer.FramesRendered} frames) in {watch.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    static int RenderPairs(FileInfo store, string which, DirectoryInfo output, ClipSettings settings, int threads, GlBackend backend)
    {
        IReadOnlyList<PreferencePair<Segment>> pairs = ReadPairs(store.FullName, which);
        OutputPath.RequireWritableFolder("--out", output);
        if (pairs.Count == 0)
        {
            Console.WriteLine($"no {(which == "all" ? "" : which + " ")}pairs in label store '{store.FullName}': nothing to render");
            return 0;
        }

        var requests = new List<ClipRequest>(2 * pairs.Count);
        try
        {
            foreach (var pair in pairs)
            {
                var (left, right) = SegmentTrajectory.From(pair, RequiresPhysicsStates(pair.Left.EnvId) || RequiresPhysicsStates(pair.Right.EnvId));
                requests.Add(ClipRequest.Whole(left, settings));
                requests.Add(ClipRequest.Whole(right, settings));
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"label store '{store.FullName}': {e.Message}", e);
        }
        ClipInputCheck.RequireRenderable($"label store '{store.FullName}'", null, requests);

        using var renderer = new ClipRenderer(output.FullName, backend);
        var watch = Stopwatch.StartNew();
        var results = renderer.RenderAll(requests, threads);
        var rows = pairs.Select((pair, i) => (Id: pair.Id.ToString(CultureInfo.InvariantCulture),
            Left: Path.GetFileName(results[2 * i].VideoPath), Right: Path.GetFileName(results[2 * i + 1].VideoPath))).ToList();
        int idWidth = Math.Max("pair".Length, rows.Max(r => r.Id.Length));
        int leftWidth = Math.Max("left clip".Length, rows.Max(r => r.Left.Length));
        Console.WriteLine($"clips in {renderer.OutputDirectory}:");
        Console.WriteLine($"{"pair".PadLeft(idWidth)}  {"left clip".PadRight(leftWidth)}  right clip");
        foreach (var (id, left, right) in rows) Console.WriteLine($"{id.PadLeft(idWidth)}  {left.PadRight(leftWidth)}  {right}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{pairs.Count} pairs, {results.Count} clips ({renderer.ClipsRendered} rendered, {renderer.FramesRendered} frames) in {watch.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    /// <summary>The pairs of the store at <paramref name="path"/> selected by <paramref name="which"/>, in id order.</summary>
    static IReadOnlyList<PreferencePair<Segment>> ReadPairs(string path, string which)
    {
        // Opening a missing file would create an empty store; a typo must not leave a new database behind.
        if (!File.Exists(path))
            throw new LabelStoreException(path, "no such file: expected the labels.db of a preference run (sim train --reward preference)");
        // SQLite turns an empty file into a new database; a command that only reads must leave its input as it was.
        if (new FileInfo(path).Length == 0)
            throw new LabelStoreException(path, "is empty: expected the labels.db of a preference run (sim train --reward preference)");
        try
        {
            using var store = SegmentCodec.OpenStoreReadOnly(path);
            // A pair counts as labelled once anyone has answered it, Skip included, so the two selections split "all".
            var labeled = which == "unlabeled" ? []
                : store.GetLabeledPairs(includeSkipped: true).Select(l => l.Pair).DistinctBy(p => p.Id).ToList();
            var unlabeled = which == "labeled" ? [] : store.GetUnlabeledPairs();
            return labeled.Concat(unlabeled).OrderBy(p => p.Id).ToList();
        }
        catch (SqliteException e)
        {
            throw new LabelStoreException(path, $"cannot be read: {e.Message}", e);
        }
    }

    // Classic-control envs are drawn from observations; every other env is a MuJoCo model posed from physics states.
    static bool RequiresPhysicsStates(string envId) => ClassicControlDrawer.For(envId) is null;

    static int Bench(string envId, int clips, int[] threadCounts, int length, int width, int height, RenderQuality[] qualities, GlBackend backend)
    {
        // One long random-action rollout, cut into distinct segments so no clip is a cache hit.
        var trajectory = RandomRollout(envId, clips * length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{envId}, {clips} clips x {length} frames at {width}x{height}, MP4 (libx264 veryfast), {Environment.ProcessorCount} cores"));
        foreach (var quality in qualities)
        {
            foreach (int threads in threadCounts)
            {
                string folder = Path.Combine(Path.GetTempPath(), $"sim-clip-bench-{Guid.NewGuid():N}");
                try
                {
                    using var renderer = new ClipRenderer(folder, backend);
                    var settings = new ClipSettings(width, height, 30, null, Overlay: true, Quality: quality);
                    var requests = Enumerable.Range(0, clips).Select(i => new ClipRequest(trajectory, i * length, length, settings)).ToList();
                    // Warm up: JIT, GL context and model upload on one clip, not counted.
                    renderer.Render(requests[0]);
                    var watch = Stopwatch.StartNew();
                    renderer.RenderAll(requests.Skip(1).ToList(), threads);
                    double seconds = watch.Elapsed.TotalSeconds;
                    long frames = renderer.FramesRendered - length;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"quality={quality} threads={threads}: {frames} frames in {seconds:0.00} s = {frames / seconds:0.0} frames/s (render + encode)"));
                }
                finally
                {
                    if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                }
            }
        }
        return 0;
    }

    static Trajectory RandomRollout(string envId, int frames)
    {
        using var env = Envs.Envs.Make(envId, 1, seed: 0);
        var recorder = new TrajectoryRecorder(env, envId);
        env.Reset(0);
        recorder.RecordReset(0);
        var rng = new SimRandom(0);
        var action = new float[env.SingleActionSpace.FlatSize];
        for (int step = 0; step < frames; step++)
        {
            env.SingleActionSpace.Sample(ref rng, action);
            env.Step(action);
            recorder.RecordStep(action);
            if (env.Terminated[0] || env.Truncated[0])
                throw new InvalidOperationException(
                    $"{envId}: the random-action episode ended after {step + 1} steps, before the {frames} frames needed; use an env without early termination (HalfCheetah-v5) or fewer --clips/--length");
        }
        recorder.FlushInProgress();
        return recorder.TakeCompleted()[0];
    }
}
