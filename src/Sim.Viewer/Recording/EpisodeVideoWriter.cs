using System.Collections.Concurrent;
using System.Globalization;
using Sim.Core.Trajectories;
using Sim.Viewer.Clips;
using Sim.Viewer.Gl;
using Sim.Viewer.Native;

namespace Sim.Viewer.Recording;

/// <summary>Renders recorded episodes to <c>&lt;env id&gt;-episode-&lt;k&gt;.mp4</c> (with a poster PNG) in one folder, on
/// one background thread at the lowest CPU priority, dropping videos rather than ever making the caller wait.</summary>
/// <remarks>
/// Episodes wait in a queue of <see cref="Capacity"/> places; one that finds it full is dropped and counted, because a
/// trainer stepping envs must not be slowed by a renderer that has fallen behind. Clips are rendered by a
/// <see cref="ClipRenderer"/> into <see cref="StagingFolderName"/> and then moved to their episode names, so a file
/// under an episode name is always complete. The first failure (no offscreen OpenGL, no ffmpeg) stops the writer for
/// good: it is reported once through <see cref="Problem"/> and <see cref="Stopped"/>, and nothing is thrown at the caller.
/// </remarks>
public sealed class EpisodeVideoWriter : IDisposable
{
    /// <summary>Subfolder of <see cref="Folder"/> where clips are rendered before they get their episode names.</summary>
    public const string StagingFolderName = ".rendering";

    /// <summary>Episodes that may wait by default. The capped cubic schedule picks 11 episodes among the first 1,001,
    /// and early episodes are short, so they arrive in a burst while the first video is still starting its OpenGL context
    /// and ffmpeg; 16 places hold that burst. A waiting episode is its recorded states and actions (a megabyte or two
    /// for a 1,000-step humanoid), so the queue stays small.</summary>
    public const int DefaultCapacity = 16;

    /// <summary>How long <see cref="Dispose"/> waits for the videos still queued or rendering.</summary>
    public static readonly TimeSpan DefaultCompletionTimeout = TimeSpan.FromSeconds(60);

    readonly Lock _sync = new();
    readonly BlockingCollection<QueuedEpisode> _queue;
    readonly Action<Trajectory, long> _render;
    readonly GlBackend _backend;
    readonly string _ffmpeg;
    readonly Thread _thread;
    ClipRenderer? _clips;
    int _accepted, _written, _rejected, _discarded;
    string? _problem;
    volatile bool _abandoned;
    bool _completing;
    bool _disposed;

    /// <summary>Writes videos of <paramref name="settings"/> (default: <see cref="ClipSettings"/>' defaults) into
    /// <paramref name="folder"/>, created if missing, with at most <paramref name="capacity"/> episodes waiting.</summary>
    /// <param name="folder">Where the videos go.</param>
    /// <param name="settings">Frame size, frame rate, camera, overlay, format and quality of every video.</param>
    /// <param name="capacity">Episodes that may wait while one renders; more are dropped.</param>
    /// <param name="backend">How the rendering thread gets its OpenGL context.</param>
    /// <param name="ffmpeg">The ffmpeg executable.</param>
    public EpisodeVideoWriter(string folder, ClipSettings? settings = null, int capacity = DefaultCapacity, GlBackend backend = GlBackend.Auto, string ffmpeg = "ffmpeg")
        : this(folder, settings ?? new ClipSettings(), capacity, backend, ffmpeg, render: null)
    {
    }

    /// <summary>A writer whose videos are made by <paramref name="render"/> (given the episode and its id) instead of
    /// the clip renderer, so the queue and the thread can be tested on their own.</summary>
    internal EpisodeVideoWriter(string folder, int capacity, Action<Trajectory, long> render)
        : this(folder, new ClipSettings(), capacity, GlBackend.Auto, "ffmpeg", render ?? throw new ArgumentNullException(nameof(render)))
    {
    }

    EpisodeVideoWriter(string folder, ClipSettings settings, int capacity, GlBackend backend, string ffmpeg, Action<Trajectory, long>? render)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(ffmpeg);
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "expected room for at least 1 waiting episode");
        settings.Validate();
        Folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(Folder);
        Settings = settings;
        Capacity = capacity;
        _backend = backend;
        _ffmpeg = ffmpeg;
        _render = render ?? RenderClip;
        _queue = new BlockingCollection<QueuedEpisode>(capacity);
        _thread = new Thread(Run) { IsBackground = true, Name = "episode video writer" };
        _thread.Start();
    }

    /// <summary>The folder the videos are written to.</summary>
    public string Folder { get; }

    /// <summary>How every video looks.</summary>
    public ClipSettings Settings { get; }

    /// <summary>Episodes that may wait while one renders.</summary>
    public int Capacity { get; }

    /// <summary>Videos written so far.</summary>
    public int Written => Volatile.Read(ref _written);

    /// <summary>Episodes handed in that got no video: the queue was full, the writer had stopped or was closing, or rendering failed.</summary>
    public int Dropped => Volatile.Read(ref _rejected) + Volatile.Read(ref _discarded);

    /// <summary>Episodes accepted that are still waiting or rendering.</summary>
    public int Pending => Volatile.Read(ref _accepted) - Written - Volatile.Read(ref _discarded);

    /// <summary>Why the writer stopped making videos, or null while it works.</summary>
    public string? Problem
    {
        get
        {
            lock (_sync) return _problem;
        }
    }

    /// <summary>Whether the writer has stopped making videos (see <see cref="Problem"/>); episodes handed in are then dropped.</summary>
    public bool IsStopped => Problem is not null;

    /// <summary>Raised once, on the rendering thread, with <see cref="Problem"/> when the writer stops because rendering failed.</summary>
    public event Action<string>? Stopped;

    /// <summary>The file the video of episode <paramref name="episode"/> of <paramref name="envId"/> is written to.</summary>
    public string VideoPath(string envId, long episode) => Path.Combine(Folder, FileStem(envId, episode) + Settings.Extension);

    /// <summary>The poster PNG (the middle frame) of the video of episode <paramref name="episode"/> of <paramref name="envId"/>.</summary>
    public string PosterPath(string envId, long episode) => Path.Combine(Folder, FileStem(envId, episode) + ".png");

    /// <summary>Queues <paramref name="trajectory"/>, episode <paramref name="episode"/>, for rendering; false (and
    /// counted in <see cref="Dropped"/>) when the queue is full, the writer has stopped or <see cref="Complete"/> was called.
    /// Never waits.</summary>
    public bool TryAdd(Trajectory trajectory, long episode)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        if (episode < 0) throw new ArgumentOutOfRangeException(nameof(episode), episode, "expected a 0-based episode id (0 or more)");
        lock (_sync)
        {
            // Under the lock so that completion cannot slip in between the check and the add.
            if (_problem is null && !_completing && _queue.TryAdd(new QueuedEpisode(trajectory, episode)))
            {
                _accepted++;
                return true;
            }
        }
        Interlocked.Increment(ref _rejected);
        return false;
    }

    /// <summary>Takes no more episodes and waits up to <paramref name="timeout"/> for the queued ones and the one
    /// rendering; true when all are done. After a timeout the videos not yet started are dropped and the one rendering is
    /// left to finish on its own (its file appears complete or not at all).</summary>
    public bool Complete(TimeSpan timeout)
    {
        lock (_sync)
        {
            if (!_completing) _queue.CompleteAdding();
            _completing = true;
        }
        if (_thread.Join(timeout)) return true;
        _abandoned = true;
        return false;
    }

    /// <summary>Completes with <see cref="DefaultCompletionTimeout"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // The queue is released only when the thread that reads it has ended.
        if (Complete(DefaultCompletionTimeout)) _queue.Dispose();
    }

    void Run()
    {
        LowestCpuPriority.ApplyToCurrentThread();
        try
        {
            foreach (var episode in _queue.GetConsumingEnumerable())
            {
                if (_abandoned || IsStopped)
                {
                    Interlocked.Increment(ref _discarded);
                    continue;
                }
                try
                {
                    _render(episode.Trajectory, episode.Id);
                    Interlocked.Increment(ref _written);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref _discarded);
                    Stop(e);
                }
            }
        }
        catch (Exception e)
        {
            // Nothing may escape a thread of its own: it would end the training process.
            Stop(e);
        }
        finally
        {
            Cleanup();
        }
    }

    void Stop(Exception error)
    {
        string reason = error is RenderingUnavailableException
            ? $"offscreen rendering is unavailable, so no more episode videos are captured: {error.Message}"
            : $"an episode video could not be rendered ({error.GetType().Name}: {error.Message}), so no more are captured";
        lock (_sync)
        {
            if (_problem is not null) return;
            _problem = reason;
        }
        try
        {
            Stopped?.Invoke(reason);
        }
        catch (Exception)
        {
            // A failing listener must not end the rendering thread's cleanup, nor the process.
        }
    }

    void RenderClip(Trajectory trajectory, long episode)
    {
        _clips ??= new ClipRenderer(Path.Combine(Folder, StagingFolderName), _backend, _ffmpeg);
        var clip = _clips.Render(ClipRequest.Whole(trajectory, Settings));
        // The poster first: a video under its episode name then always has its poster beside it.
        File.Move(clip.PosterPath, PosterPath(trajectory.EnvId, episode), overwrite: true);
        File.Move(clip.VideoPath, VideoPath(trajectory.EnvId, episode), overwrite: true);
    }

    void Cleanup()
    {
        try
        {
            _clips?.Dispose();
            string staging = Path.Combine(Folder, StagingFolderName);
            if (Directory.Exists(staging) && !Directory.EnumerateFileSystemEntries(staging).Any()) Directory.Delete(staging);
        }
        catch (Exception)
        {
            // Leftovers of a failed render stay in the staging folder; they never carry an episode name.
        }
    }

    static string FileStem(string envId, long episode)
    {
        ArgumentException.ThrowIfNullOrEmpty(envId);
        if (episode < 0) throw new ArgumentOutOfRangeException(nameof(episode), episode, "expected a 0-based episode id (0 or more)");
        string safe = string.Concat(envId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return string.Create(CultureInfo.InvariantCulture, $"{safe}-episode-{episode}");
    }

    readonly record struct QueuedEpisode(Trajectory Trajectory, long Id);
}
