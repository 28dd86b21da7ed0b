using Sim.Foundation;
using System.Diagnostics;
using Sim.Viewer.Gl;
using Sim.Viewer.Replay;
using Sim.Viewer.Rendering;

namespace Sim.Viewer.Clips;

/// <summary>Renders recorded segments offscreen into content-addressed video files plus poster PNGs in one folder, reusing any
/// clip already there, and renders several clips in parallel with one OpenGL context per thread.</summary>
public sealed class ClipRenderer : IDisposable
{
    readonly Lock _sync = new();
    readonly GlBackend _backend;
    readonly string _ffmpeg;
    ClipWorker? _worker;
    long _framesRendered;
    long _clipsRendered;

    /// <summary>Writes clips into <paramref name="outputDirectory"/> (created if missing).</summary>
    /// <param name="outputDirectory">The clip cache folder.</param>
    /// <param name="backend">How each rendering thread gets its OpenGL context.</param>
    /// <param name="ffmpeg">The ffmpeg executable.</param>
    public ClipRenderer(string outputDirectory, GlBackend backend = GlBackend.Auto, string ffmpeg = "ffmpeg")
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        OutputDirectory = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(OutputDirectory);
        _backend = backend;
        _ffmpeg = ffmpeg;
    }

    /// <summary>The folder clips are written to and looked up in.</summary>
    public string OutputDirectory { get; }

    /// <summary>Frames rendered by this object so far (cached clips add nothing).</summary>
    public long FramesRendered => Interlocked.Read(ref _framesRendered);

    /// <summary>Clips rendered by this object so far (cached clips add nothing).</summary>
    public long ClipsRendered => Interlocked.Read(ref _clipsRendered);

    /// <summary>The files <paramref name="request"/> maps to, whether or not they exist yet.</summary>
    public ClipResult Locate(ClipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string key = ClipKey.Compute(request);
        string stem = Path.Combine(OutputDirectory, $"{SafeName(request.Trajectory.EnvId)}-{key}");
        return new ClipResult(stem + request.Settings.Extension, stem + ".png", key, Rendered: false, request.Length);
    }

    /// <summary>Renders <paramref name="request"/> unless its files already exist; returns where they are.</summary>
    public ClipResult Render(ClipRequest request)
    {
        Validate(request);
        var located = Locate(request);
        if (IsCached(located)) return located;
        lock (_sync)
        {
            _worker ??= new ClipWorker(GlContext.CreateOffscreen(_backend), _ffmpeg);
            return RenderWith(_worker, request, located);
        }
    }

    /// <summary>Renders every request not yet cached on up to <paramref name="threads"/> threads, each with its own OpenGL
    /// context; results are in request order (a request repeated in the list is rendered once).</summary>
    public IReadOnlyList<ClipResult> RenderAll(IReadOnlyList<ClipRequest> requests, int threads)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "expected at least one rendering thread");
        foreach (var request in requests) Validate(request);
        var results = new ClipResult[requests.Count];
        var pending = new List<int>();
        var seen = new HashSet<string>();
        for (int i = 0; i < requests.Count; i++)
        {
            results[i] = Locate(requests[i]);
            if (!IsCached(results[i]) && seen.Add(results[i].Key)) pending.Add(i);
        }
        int next = -1;
        var errors = new List<Exception>();
        void Work()
        {
            try
            {
                using var worker = new ClipWorker(GlContext.CreateOffscreen(_backend), _ffmpeg);
                for (int j = Interlocked.Increment(ref next); j < pending.Count; j = Interlocked.Increment(ref next))
                {
                    int i = pending[j];
                    results[i] = RenderWith(worker, requests[i], results[i]);
                }
            }
            catch (Exception e)
            {
                lock (errors) errors.Add(e);
                Interlocked.Exchange(ref next, pending.Count);
            }
        }
        int count = Math.Min(threads, Math.Max(1, pending.Count));
        var workers = Enumerable.Range(0, count).Select(_ => new Thread(Work) { IsBackground = true, Name = "clip renderer" }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (errors.Count == 1) throw new InvalidOperationException($"clip rendering failed: {errors[0].Message}", errors[0]);
        if (errors.Count > 1) throw new AggregateException("clip rendering failed on several threads", errors);
        // Duplicates of a rendered request point at the same files.
        for (int i = 0; i < results.Length; i++)
            if (!results[i].Rendered && !IsCached(results[i])) results[i] = results.First(r => r.Key == results[i].Key && r.Rendered);
        return results;
    }

    ClipResult RenderWith(ClipWorker worker, ClipRequest request, ClipResult located)
    {
        var result = worker.Render(request, located);
        Interlocked.Add(ref _framesRendered, result.Frames);
        Interlocked.Increment(ref _clipsRendered);
        return result;
    }

    static bool IsCached(ClipResult clip) => File.Exists(clip.VideoPath) && File.Exists(clip.PosterPath);

    static void Validate(ClipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Trajectory);
        ArgumentNullException.ThrowIfNull(request.Settings);
        request.Settings.Validate();
        var t = request.Trajectory;
        int frames = t.PhysicsStateSize > 0 ? t.PhysicsStateRows : t.Steps + 1;
        if (request.Length < 1) throw new ArgumentException($"clip length {request.Length}: expected at least one frame");
        if (request.Start < 0 || request.Start + request.Length > frames)
            throw new ArgumentException(
                $"clip frames {request.Start}..{request.Start + request.Length - 1} of a {t.EnvId} trajectory: expected frames within 0..{frames - 1}");
    }

    static string SafeName(string envId) => string.Concat(envId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    /// <summary>Releases the single-clip worker's OpenGL context.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            _worker?.Dispose();
            _worker = null;
        }
    }

    /// <summary>One thread's rendering state: its OpenGL context and a scene and renderer per env id.</summary>
    sealed class ClipWorker(GlContext context, string ffmpeg) : IDisposable
    {
        readonly Dictionary<string, (TrajectoryScene Scene, MjRenderer Renderer, Action<Native.MjvScene> Decorate)> _stages = [];
        byte[] _frame = [];

        public ClipResult Render(ClipRequest request, ClipResult located)
        {
            var t = request.Trajectory;
            var s = request.Settings;
            var (scene, renderer, decorate) = Stage(t.EnvId, t.EnvArgs, s.Width, s.Height, s.Quality);
            scene.CheckCompatible(t);
            scene.ConfigureCamera(renderer, CameraSpec.Parse(s.Camera), s.Width / (double)s.Height);
            int bytes = s.Width * s.Height * 3;
            if (_frame.Length != bytes) _frame = new byte[bytes];
            byte[] poster = new byte[bytes];
            int posterFrame = request.Length / 2;
            // The poster is written first and the video last: a clip whose video exists is complete.
            AtomicFile.WriteFile(located.VideoPath, tempVideo =>
            {
                using var encoder = new FfmpegEncoder(tempVideo, s.Width, s.Height, s.Fps, s.Format, ffmpeg);
                double episodeReturn = 0;
                for (int k = 0; k < request.Length; k++)
                {
                    int row = request.Start + k;
                    if (k > 0 && row - 1 < t.Steps) episodeReturn += t.Rewards[row - 1];
                    scene.ShowFrame(t, row);
                    OverlayText? overlay = s.Overlay
                        ? new OverlayText("Step\nReturn", $"{t.FirstStep + row}\n{episodeReturn:0.00}")
                        : null;
                    renderer.RenderFrame(scene.Data, _frame, s.Width, s.Height, decorate, overlay);
                    encoder.WriteFrame(_frame);
                    if (k == posterFrame) _frame.CopyTo(poster, 0);
                }
                encoder.Finish();
                PngFile.Write(located.PosterPath, poster, s.Width, s.Height);
            });
            context.ReleaseCurrent();
            return located with { Rendered = true };
        }

        // One scene and renderer per env id, env arguments and quality, grown when a larger frame is asked for.
        (TrajectoryScene, MjRenderer, Action<Native.MjvScene>) Stage(string envId, IReadOnlyDictionary<string, string> envArgs,
            int width, int height, RenderQuality quality)
        {
            string key = $"{envId}|{ClipKey.ArgumentsText(envArgs)}|{quality}";
            if (_stages.TryGetValue(key, out var stage))
            {
                if (stage.Renderer.OffscreenWidth >= width && stage.Renderer.OffscreenHeight >= height) return stage;
                stage.Renderer.Dispose();
                var larger = new MjRenderer(stage.Scene.Model, context, ownsContext: false, Math.Max(width, stage.Renderer.OffscreenWidth),
                    Math.Max(height, stage.Renderer.OffscreenHeight), quality: quality);
                stage = (stage.Scene, larger, stage.Decorate);
                _stages[key] = stage;
                return stage;
            }
            var scene = TrajectoryScene.ForEnv(envId, envArgs);
            try
            {
                var renderer = new MjRenderer(scene.Model, context, ownsContext: false, width, height, quality: quality);
                stage = (scene, renderer, scene.Decorate);
                _stages[key] = stage;
                return stage;
            }
            catch
            {
                scene.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            foreach (var (scene, renderer, _) in _stages.Values)
            {
                renderer.Dispose();
                scene.Dispose();
            }
            _stages.Clear();
            context.Dispose();
        }
    }
}
