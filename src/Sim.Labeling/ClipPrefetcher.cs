using Sim.Rewards.Robot;
using Sim.Viewer.ClassicControl;
using Sim.Viewer.Clips;
using Sim.Viewer.Gl;
using Sim.Viewer.Rendering;

namespace Sim.Labeling;

/// <summary>Renders the clips of every stored pair that has none yet, on a background thread, so a pair is ready before
/// any labeler is shown it; pairs a training run adds are picked up within <see cref="PollInterval"/>.</summary>
/// <remarks>Clips are WebM (VP9): Debian's Chromium decodes H.264 too, but VP9 plays in every Chromium build, including
/// those without proprietary codecs. They are drawn without the step/return overlay, so the true return is never shown,
/// and at fast quality, which renders several times faster on a CPU with bodies and colours unchanged.</remarks>
public sealed class ClipPrefetcher : IDisposable
{
    /// <summary>How clips for labeling look, at <paramref name="size"/> × <paramref name="size"/> pixels.</summary>
    public static ClipSettings SettingsFor(int size) => new(Width: size, Height: size, Fps: 30, Camera: null, Overlay: false, Format: ClipFormat.WebM, Quality: RenderQuality.Fast);

    /// <summary>How often the store is looked at for new pairs while there is nothing to render.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    const int PairsPerBatch = 8;
    readonly LabelingDatabase _database;
    readonly ClipRenderer _renderer;
    readonly int _threads;
    readonly ClipSettings _settings;
    readonly HashSet<long> _failed = [];
    readonly CancellationTokenSource _stop = new();
    readonly AutoResetEvent _wake = new(false);
    readonly Thread _thread;
    long _pairsReady;

    /// <summary>Starts rendering <paramref name="size"/>-pixel square clips into <paramref name="clipFolder"/> with
    /// <paramref name="threads"/> rendering threads.</summary>
    public ClipPrefetcher(LabelingDatabase database, string clipFolder, int size, int threads = 1, GlBackend backend = GlBackend.Auto)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"rendering threads {threads}: expected at least 1");
        _database = database;
        _threads = threads;
        _settings = SettingsFor(size);
        _settings.Validate();
        Directory.CreateDirectory(clipFolder);
        ClipFolder = Path.GetFullPath(clipFolder);
        _renderer = new ClipRenderer(ClipFolder, backend);
        _thread = new Thread(Run) { IsBackground = true, Name = "labeling clip prefetcher", Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    /// <summary>The folder clips are written to and served from.</summary>
    public string ClipFolder { get; }

    /// <summary>Frames rendered so far.</summary>
    public long FramesRendered => _renderer.FramesRendered;

    /// <summary>Pairs whose clips this prefetcher made ready (rendered or found cached).</summary>
    public long PairsReady => Interlocked.Read(ref _pairsReady);

    /// <summary>Raised (on the rendering thread) when a pair's clips cannot be made; the pair is then left out.</summary>
    public event Action<long, Exception>? Failed;

    /// <summary>Looks for new pairs now rather than at the next poll.</summary>
    public void Wake() => _wake.Set();

    void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            var batch = _database.PairsWithoutClips(PairsPerBatch, _failed);
            if (batch.Count == 0)
            {
                WaitHandle.WaitAny([_wake, _stop.Token.WaitHandle], PollInterval);
                continue;
            }
            foreach (var (pairId, leftItem, rightItem) in batch)
            {
                if (_stop.IsCancellationRequested) return;
                try
                {
                    var pair = _database.Store.GetPair(pairId);
                    bool physics = ClassicControlDrawer.For(pair.Left.EnvId) is null || ClassicControlDrawer.For(pair.Right.EnvId) is null;
                    var (left, right) = SegmentTrajectory.From(pair, physics);
                    ClipRequest[] requests = [ClipRequest.Whole(left, _settings), ClipRequest.Whole(right, _settings)];
                    // One thread renders on the renderer's lasting OpenGL context; RenderAll makes a context per thread and
                    // call, which only pays off when several threads share the work.
                    var results = _threads == 1 ? requests.Select(_renderer.Render).ToList() : _renderer.RenderAll(requests, _threads);
                    _database.RegisterClip(leftItem, results[0].Key, Path.GetFileName(results[0].VideoPath), Path.GetFileName(results[0].PosterPath));
                    _database.RegisterClip(rightItem, results[1].Key, Path.GetFileName(results[1].VideoPath), Path.GetFileName(results[1].PosterPath));
                    Interlocked.Increment(ref _pairsReady);
                }
                catch (Exception e) when (e is not ObjectDisposedException)
                {
                    _failed.Add(pairId);
                    Failed?.Invoke(pairId, e);
                }
                catch (ObjectDisposedException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Stops after the clip being rendered and releases the renderer.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _thread.Join();
        _renderer.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }
}
