using System.Globalization;
using System.Text;
using Sim.Core.Trajectories;
using Sim.Viewer.Native;
using Sim.Viewer.Rendering;
using Sim.Viewer.Replay;
using static Sim.Viewer.Native.GlfwNative;

namespace Sim.Viewer.Interactive;

/// <summary>The replay viewer: plays recorded episodes exactly from their physics states (or observations for classic
/// control), with a scrub bar to click or drag, frame and page seeking, and episode switching.</summary>
public sealed class ReplayController : ViewerController
{
    /// <summary>Frames PageUp and PageDown move.</summary>
    public const int PageFrames = 50;

    const int BarHeight = 14, BarMargin = 8;

    readonly IReadOnlyList<Trajectory> _episodes;
    double[] _returns = [];
    double _pending;
    int _speed = Array.IndexOf(Speeds, 1.0);
    bool _scrubbing;

    /// <summary>Replays <paramref name="episodes"/> (all of <paramref name="stage"/>'s env id), starting at episode
    /// <paramref name="episode"/>, frame 0, playing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The episode index is not in the file.</exception>
    public ReplayController(IReadOnlyList<Trajectory> episodes, int episode, TrajectoryScene stage, MjRenderer renderer, string outputDirectory,
        string ffmpeg = "ffmpeg") : base(stage, renderer, outputDirectory, ffmpeg)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        if (episodes.Count == 0) throw new ArgumentException("the file holds no episodes to replay", nameof(episodes));
        CheckEpisode(episode, episodes.Count);
        foreach (var t in episodes) stage.CheckCompatible(t);
        _episodes = episodes;
        FramesPerSecond = stage.StepSeconds is double dt && dt > 0 ? 1 / dt : 50;
        SelectEpisode(episode);
    }

    /// <summary>Throws the command line's message when <paramref name="episode"/> is not among <paramref name="count"/> episodes.</summary>
    public static void CheckEpisode(int episode, int count)
    {
        if ((uint)episode >= (uint)count)
            // No parameter name or value: the message is shown to the command line's user as it is.
            throw new ArgumentOutOfRangeException(null,
                $"--episode {episode} does not exist: the file holds {count} episode{(count == 1 ? "" : "s")}, numbered 0..{count - 1}");
    }

    /// <summary>Frames per second of playback at speed 1 (the env's control rate).</summary>
    public double FramesPerSecond { get; }

    /// <summary>The episode shown.</summary>
    public int Episode { get; private set; }

    /// <summary>The trajectory shown.</summary>
    public Trajectory Trajectory => _episodes[Episode];

    /// <summary>The frame shown.</summary>
    public int Frame { get; private set; }

    /// <summary>Frames of the episode shown.</summary>
    public int FrameCount => Stage.FrameCount(Trajectory);

    /// <summary>Whether playback runs.</summary>
    public bool Playing { get; private set; } = true;

    /// <summary>Playback speed factor.</summary>
    public double Speed => Speeds[_speed];

    void SelectEpisode(int episode)
    {
        Episode = episode;
        var t = Trajectory;
        _returns = new double[FrameCount];
        for (int k = 1; k < _returns.Length; k++) _returns[k] = _returns[k - 1] + (k - 1 < t.Steps ? t.Rewards[k - 1] : 0);
        Seek(0);
    }

    /// <summary>Shows frame <paramref name="frame"/>, clamped to the episode.</summary>
    public void Seek(int frame)
    {
        Frame = Math.Clamp(frame, 0, FrameCount - 1);
        _pending = 0;
    }

    protected override bool OnSceneKey(int key, int mods)
    {
        switch (key)
        {
            case GLFW_KEY_SPACE:
                if (!Playing && Frame == FrameCount - 1) Seek(0);
                Playing = !Playing;
                _pending = 0;
                return true;
            case GLFW_KEY_RIGHT: Pause(); Seek(Frame + 1); return true;
            case GLFW_KEY_LEFT: Pause(); Seek(Frame - 1); return true;
            case GLFW_KEY_PAGE_DOWN: Seek(Frame + PageFrames); return true;
            case GLFW_KEY_PAGE_UP: Seek(Frame - PageFrames); return true;
            case GLFW_KEY_HOME: Seek(0); return true;
            case GLFW_KEY_END: Seek(FrameCount - 1); return true;
            case GLFW_KEY_MINUS:
            case GLFW_KEY_KP_SUBTRACT:
                _speed = Math.Max(0, _speed - 1);
                return true;
            case GLFW_KEY_EQUAL:
            case GLFW_KEY_KP_ADD:
                _speed = Math.Min(Speeds.Length - 1, _speed + 1);
                return true;
            case GLFW_KEY_RIGHT_BRACKET:
                SelectEpisode((Episode + 1) % _episodes.Count);
                return true;
            case GLFW_KEY_LEFT_BRACKET:
                SelectEpisode((Episode - 1 + _episodes.Count) % _episodes.Count);
                return true;
            default:
                return false;
        }
    }

    void Pause()
    {
        Playing = false;
        _pending = 0;
    }

    protected override void AdvanceScene(double seconds)
    {
        if (!Playing) return;
        _pending += seconds * Speed * FramesPerSecond;
        int frames = (int)Math.Floor(_pending);
        if (frames <= 0) return;
        _pending -= frames;
        Frame = Math.Min(Frame + frames, FrameCount - 1);
        if (Frame == FrameCount - 1) Playing = false;
    }

    /// <summary>The scrub bar's rectangle in framebuffer pixels (origin bottom left).</summary>
    public MjrRect ScrubBar => new() { left = BarMargin, bottom = BarMargin, width = Math.Max(1, ViewportWidth - 2 * BarMargin), height = BarHeight };

    public override void OnMouseButton(int button, bool pressed, double x, double y, int mods = 0)
    {
        if (button == GLFW_MOUSE_BUTTON_LEFT && pressed && InBar(x, y))
        {
            _scrubbing = true;
            Pause();
            SeekTo(x);
            return;
        }
        if (button == GLFW_MOUSE_BUTTON_LEFT && !pressed && _scrubbing)
        {
            _scrubbing = false;
            return;
        }
        base.OnMouseButton(button, pressed, x, y, mods);
    }

    public override void OnCursor(double x, double y)
    {
        if (_scrubbing) SeekTo(x);
        else base.OnCursor(x, y);
    }

    bool InBar(double x, double y)
    {
        var bar = ScrubBar;
        double fromBottom = ViewportHeight - y;
        // A few pixels of slack above and below make the thin bar easy to hit.
        return x >= bar.left && x <= bar.left + bar.width && fromBottom >= bar.bottom - 4 && fromBottom <= bar.bottom + bar.height + 4;
    }

    void SeekTo(double x)
    {
        var bar = ScrubBar;
        double fraction = Math.Clamp((x - bar.left) / bar.width, 0, 1);
        Seek((int)Math.Round(fraction * (FrameCount - 1)));
    }

    protected override int DrawDecorations(MjrRect viewport)
    {
        var bar = ScrubBar;
        MjvNative.mjr_rectangle(bar, 0.15f, 0.15f, 0.15f, 0.85f);
        double fraction = FrameCount > 1 ? Frame / (double)(FrameCount - 1) : 1;
        int done = (int)Math.Round(fraction * bar.width);
        if (done > 0) MjvNative.mjr_rectangle(new MjrRect { left = bar.left, bottom = bar.bottom, width = done, height = bar.height }, 0.2f, 0.5f, 0.9f, 0.95f);
        MjvNative.mjr_rectangle(new MjrRect { left = bar.left + Math.Max(0, done - 2), bottom = bar.bottom - 3, width = 4, height = bar.height + 6 }, 1, 1, 1, 1);
        return bar.bottom + bar.height + BarMargin;
    }

    protected override void PrepareStage() => Stage.ShowFrame(Trajectory, Frame);

    protected override OverlayText Statistics()
    {
        var t = Trajectory;
        var labels = new StringBuilder();
        var values = new StringBuilder();
        void Line(string label, string value)
        {
            labels.Append(label).Append('\n');
            values.Append(value).Append('\n');
        }
        Line("Env", t.EnvId);
        Line("Episode", $"{Episode} of 0..{_episodes.Count - 1}");
        Line("Frame", $"{Frame} of 0..{FrameCount - 1}");
        Line("Step", (t.FirstStep + Frame).ToString(CultureInfo.InvariantCulture));
        Line("Return", Number(_returns[Frame], "0.00"));
        if (Frame > 0 && Frame - 1 < t.Steps)
        {
            Line("Reward", Number(t.Rewards[Frame - 1]));
            if (t.RewardTermNames.Length > 0)
            {
                var terms = t.RewardTermRow(Frame - 1);
                for (int k = 0; k < terms.Length; k++) Line("  " + TermName(t.RewardTermNames[k]), Number(terms[k]));
            }
            if (t.Captions.Length > 0) Line("Event", CaptionText(t.Captions[Frame - 1]));
        }
        Line("Episode return", Number(t.Return, "0.00"));
        return new OverlayText(labels.ToString().TrimEnd('\n'), values.ToString().TrimEnd('\n'));
    }

    static string TermName(string name) => name.StartsWith(Sim.Core.StepInfos.RewardPrefix, StringComparison.Ordinal) ? name[Sim.Core.StepInfos.RewardPrefix.Length..] : name;

    protected override string StateLine() =>
        $"{(Playing ? "playing" : "paused")}  |  speed {Speed.ToString("0.###", CultureInfo.InvariantCulture)}x  |  {(Tracking ? "tracking" : "free camera")}";

    protected override IEnumerable<(string Key, string Action)> SceneHelp() =>
    [
        ("Space", "play / pause"),
        ("Left / Right", "one frame back / forward"),
        ("PgUp / PgDn", $"{PageFrames} frames back / forward"),
        ("Home / End", "first / last frame"),
        ("Click/drag bar", "seek"),
        ("[ / ]", "previous / next episode"),
        ("- / =", "slower / faster"),
    ];
}
