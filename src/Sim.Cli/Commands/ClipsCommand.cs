using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Sim.Core.Random;
using Sim.Core.Trajectories;
using Sim.Viewer.Clips;
using Sim.Viewer.Gl;
using Sim.Viewer.Replay;

namespace Sim.Cli.Commands;

/// <summary><c>sim clips</c>: renders recorded segments offscreen into content-addressed MP4/WebM clips with poster PNGs;
/// <c>sim clips bench</c> measures rendering speed for docs/benchmarks.md.</summary>
public static class ClipsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("trajectories") { Description = "Trajectory file (e.g. written by `sim eval --record`)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Clip folder (content-addressed cache)", DefaultValueFactory = _ => new DirectoryInfo("clips") };
        var length = new Option<int>("--length") { Description = "Frames per segment; 0 renders whole trajectories", DefaultValueFactory = _ => 50 };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => 480, Description = "Frame width in pixels (even)" };
        var height = new Option<int>("--height") { DefaultValueFactory = _ => 480, Description = "Frame height in pixels (even)" };
        var fps = new Option<int>("--fps") { DefaultValueFactory = _ => 30, Description = "Frames per second" };
        var camera = new Option<string?>("--camera") { Description = "free, tracking, tracking:BODY or a model camera name (default: the env's)" };
        var noOverlay = new Option<bool>("--no-overlay") { Description = "Do not draw the step and return" };
        var format = new Option<ClipFormat>("--format") { DefaultValueFactory = _ => ClipFormat.Mp4, Description = "Mp4 (H.264) or WebM (VP9)" };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount, Description = "Rendering threads (one OpenGL context each)" };
        var backend = new Option<GlBackend>("--gl") { DefaultValueFactory = _ => GlBackend.Auto, Description = "OpenGL backend: Auto, Egl or Glfw (needs DISPLAY or xvfb-run -a)" };

        var command = new Command("clips", "Render recorded segments to MP4/WebM clips with poster PNGs (offscreen, cached by content)")
        {
            file, output, length, width, height, fps, camera, noOverlay, format, threads, backend,
        };
        command.SetAction(parse =>
        {
            var settings = new ClipSettings(parse.GetValue(width), parse.GetValue(height), parse.GetValue(fps), parse.GetValue(camera),
                !parse.GetValue(noOverlay), parse.GetValue(format));
            return Render(parse.GetValue(file)!, parse.GetValue(output)!, parse.GetValue(length), settings, parse.GetValue(threads), parse.GetValue(backend));
        });

        var env = new Option<string>("--env") { DefaultValueFactory = _ => "HalfCheetah-v1", Description = "Env to roll out and render" };
        var clipCount = new Option<int>("--clips") { DefaultValueFactory = _ => 8, Description = "Clips to render per thread count" };
        var threadCounts = new Option<int[]>("--threads") { DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true, Description = "Thread counts to measure" };
        var benchLength = new Option<int>("--length") { DefaultValueFactory = _ => 50, Description = "Frames per clip" };
        var bench = new Command("bench", "Measure clip rendering frames/s (render + encode) at a resolution, for docs/benchmarks.md")
        {
            env, clipCount, threadCounts, benchLength, width, height, backend,
        };
        bench.SetAction(parse => Bench(parse.GetValue(env)!, parse.GetValue(clipCount), parse.GetValue(threadCounts)!, parse.GetValue(benchLength),
            parse.GetValue(width), parse.GetValue(height), parse.GetValue(backend)));
        command.Subcommands.Add(bench);
        return command;
    }

    static int Render(FileInfo file, DirectoryInfo output, int length, ClipSettings settings, int threads, GlBackend backend)
    {
        IReadOnlyList<Trajectory> trajectories;
        try
        {
            trajectories = ReplayFile.Read(file.FullName);
        }
        catch (Exception e) when (e is FileNotFoundException or TrajectoryFileException)
        {
            Console.Error.WriteLine($"sim clips: {e.Message}");
            return 2;
        }
        var requests = new List<ClipRequest>();
        foreach (var t in trajectories)
        {
            var whole = ClipRequest.Whole(t, settings);
            if (length <= 0) { requests.Add(whole); continue; }
            for (int start = 0; start + length <= whole.Length; start += length) requests.Add(new ClipRequest(t, start, length, settings));
        }
        using var renderer = new ClipRenderer(output.FullName, backend);
        var watch = Stopwatch.StartNew();
        var results = renderer.RenderAll(requests, threads);
        foreach (var r in results) Console.WriteLine($"{(r.Rendered ? "rendered" : "cached  ")} {r.VideoPath}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} clips ({renderer.ClipsRendered} rendered, {renderer.FramesRendered} frames) in {watch.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    static int Bench(string envId, int clips, int[] threadCounts, int length, int width, int height, GlBackend backend)
    {
        // One long random-action rollout, cut into distinct segments so no clip is a cache hit.
        var trajectory = RandomRollout(envId, clips * length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{envId}, {clips} clips x {length} frames at {width}x{height}, MP4 (libx264 veryfast), {Environment.ProcessorCount} cores"));
        foreach (int threads in threadCounts)
        {
            string folder = Path.Combine(Path.GetTempPath(), $"sim-clip-bench-{Guid.NewGuid():N}");
            try
            {
                using var renderer = new ClipRenderer(folder, backend);
                var settings = new ClipSettings(width, height, 30, null, Overlay: true);
                var requests = Enumerable.Range(0, clips).Select(i => new ClipRequest(trajectory, i * length, length, settings)).ToList();
                // Warm up: JIT, GL context and model upload on one clip, not counted.
                renderer.Render(requests[0]);
                var watch = Stopwatch.StartNew();
                renderer.RenderAll(requests.Skip(1).ToList(), threads);
                double seconds = watch.Elapsed.TotalSeconds;
                long frames = renderer.FramesRendered - length;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"threads={threads}: {frames} frames in {seconds:0.00} s = {frames / seconds:0.0} frames/s (render + encode)"));
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
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
                    $"{envId}: the random-action episode ended after {step + 1} steps, before the {frames} frames needed; use an env without early termination (HalfCheetah-v1) or fewer --clips/--length");
        }
        recorder.FlushInProgress();
        return recorder.TakeCompleted()[0];
    }
}
