using System.Globalization;
using System.Text;
using Sim.Viewer.Clips;
using Sim.Viewer.Native;
using Sim.Viewer.Rendering;
using Sim.Viewer.Replay;
using static Sim.Viewer.Native.GlfwNative;

namespace Sim.Viewer.Interactive;

/// <summary>The window-independent part of an interactive viewer: input handling (keys, mouse camera), visual toggles,
/// the key-help screen, screenshots and recording, and drawing a frame of its <see cref="Stage"/> into a framebuffer.</summary>
/// <remarks>Input arrives as GLFW key codes and framebuffer pixel positions through plain methods, so tests drive a
/// controller directly; <see cref="ViewerWindow"/> forwards GLFW's callbacks to them. Use from one thread.</remarks>
public abstract unsafe class ViewerController : IDisposable
{
    const int MouseRotateV = 1, MouseRotateH = 2, MouseMoveV = 3, MouseMoveH = 4, MouseZoom = 5;

    /// <summary>Speed factors the speed keys step through.</summary>
    protected static readonly double[] Speeds = [1 / 16.0, 1 / 8.0, 1 / 4.0, 1 / 2.0, 1, 2, 4, 8];

    readonly bool[] _buttons = new bool[3];
    double _cursorX, _cursorY;
    bool _shift;
    double _configuredAspect;
    byte[] _frame = [];
    VideoRecording? _recording;
    string? _status;
    double _statusUntil;

    /// <summary>Shows frames of <paramref name="stage"/> with <paramref name="renderer"/> (made for the stage's model);
    /// screenshots and recordings go to <paramref name="outputDirectory"/>.</summary>
    protected ViewerController(TrajectoryScene stage, MjRenderer renderer, string outputDirectory, string ffmpeg = "ffmpeg")
    {
        Stage = stage ?? throw new ArgumentNullException(nameof(stage));
        Renderer = renderer ?? throw new ArgumentNullException(nameof(renderer));
        if (renderer.Model != stage.Model) throw new ArgumentException("the renderer was made for another model than the stage's", nameof(renderer));
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        OutputDirectory = outputDirectory;
        Ffmpeg = ffmpeg;
        Stage.ConfigureCamera(Renderer, CameraSpec.Default, 4 / 3.0);
    }

    /// <summary>What is put on stage and drawn.</summary>
    public TrajectoryScene Stage { get; }

    /// <summary>The renderer, whose camera and options the input edits.</summary>
    public MjRenderer Renderer { get; }

    /// <summary>Where screenshots and recordings are written.</summary>
    public string OutputDirectory { get; }

    /// <summary>The ffmpeg executable recordings are encoded with.</summary>
    protected string Ffmpeg { get; }

    /// <summary>Seconds of wall time this controller has been advanced by.</summary>
    public double Clock { get; private set; }

    /// <summary>Whether the key-help screen is shown instead of the statistics.</summary>
    public bool ShowHelp { get; private set; }

    /// <summary>Whether Escape asked the window to close.</summary>
    public bool CloseRequested { get; private set; }

    /// <summary>Whether the camera follows the model's main body.</summary>
    public bool Tracking => Renderer.Camera.type == 1;

    /// <summary>The PNG the last screenshot went to, or null.</summary>
    public string? LastScreenshotPath { get; private set; }

    /// <summary>The video of the recording running or last finished, or null.</summary>
    public string? LastRecordingPath { get; private set; }

    /// <summary>Whether frames are being recorded.</summary>
    public bool IsRecording => _recording != null;

    /// <summary>Frames written to the running or last finished recording.</summary>
    public int RecordedFrames { get; private set; }

    /// <summary>Frames drawn so far.</summary>
    public long FramesDrawn { get; private set; }

    /// <summary>The pixels of the last frame read back (for a screenshot or the recording), rows top first, RGB.</summary>
    public ReadOnlySpan<byte> LastCapturedFrame => _frame;

    /// <summary>Size of the last frame read back.</summary>
    public (int Width, int Height) LastCapturedSize { get; private set; }

    /// <summary>The transient message shown at the bottom (saved files, refused keys), or null.</summary>
    public string? Status => Clock < _statusUntil ? _status : null;

    /// <summary>Whether visual flag <paramref name="flag"/> (a <see cref="VisualFlags"/> index) is on.</summary>
    public bool IsVisualFlagOn(int flag) => Renderer.Option.flags[flag] != 0;

    /// <summary>Shows <paramref name="message"/> for a few seconds.</summary>
    protected void Say(string message)
    {
        _status = message;
        _statusUntil = Clock + 4;
    }

    /// <summary>Handles a key press (GLFW key code and modifier bits); returns whether the key did something.</summary>
    public bool OnKey(int key, int mods = 0)
    {
        _shift = (mods & GLFW_MOD_SHIFT) != 0;
        switch (key)
        {
            case GLFW_KEY_F1:
            case GLFW_KEY_A + ('H' - 'A'):
                ShowHelp = !ShowHelp;
                return true;
            case GLFW_KEY_ESCAPE:
                if (ShowHelp) ShowHelp = false;
                else CloseRequested = true;
                return true;
            case GLFW_KEY_A + ('C' - 'A'): return Toggle(VisualFlags.ContactPoint, "contact points");
            case GLFW_KEY_A + ('F' - 'A'): return Toggle(VisualFlags.ContactForce, "contact forces");
            case GLFW_KEY_A + ('J' - 'A'): return Toggle(VisualFlags.Joint, "joints");
            case GLFW_KEY_A + ('T' - 'A'): return Toggle(VisualFlags.Transparent, "transparency");
            case GLFW_KEY_TAB:
                ToggleTracking();
                return true;
            case GLFW_KEY_F2:
            case GLFW_KEY_A + ('P' - 'A'):
                _screenshotRequested = true;
                return true;
            case GLFW_KEY_A + ('V' - 'A'):
                if (_recording is null) _recordRequested = true;
                else StopRecording();
                return true;
            default:
                return OnSceneKey(key, mods);
        }
    }

    bool _screenshotRequested, _recordRequested;

    bool Toggle(int flag, string what)
    {
        ref byte value = ref Renderer.Option.flags[flag];
        value = (byte)(value == 0 ? 1 : 0);
        Say($"{what} {(value != 0 ? "on" : "off")}");
        return true;
    }

    void ToggleTracking()
    {
        if (Stage.PhysicsStateSize == 0)
        {
            Say("tracking: classic-control envs are drawn from a fixed side view");
            return;
        }
        ref var camera = ref Renderer.Camera;
        if (camera.type == 1)
        {
            // Free camera from where the tracking one looked, so the view does not jump.
            camera.type = 0;
            Say("tracking off (free camera)");
            return;
        }
        double distance = camera.distance, azimuth = camera.azimuth, elevation = camera.elevation;
        Renderer.SetCamera(CameraSpec.Track());
        camera.distance = distance;
        camera.azimuth = azimuth;
        camera.elevation = elevation;
        Say("tracking the main body");
    }

    /// <summary>Keys that belong to the scene (stepping, seeking); returns whether the key did something.</summary>
    protected abstract bool OnSceneKey(int key, int mods);

    /// <summary>Handles a mouse button press or release at framebuffer pixel (<paramref name="x"/>, <paramref name="y"/>), y down.</summary>
    public virtual void OnMouseButton(int button, bool pressed, double x, double y, int mods = 0)
    {
        _shift = (mods & GLFW_MOD_SHIFT) != 0;
        if ((uint)button < (uint)_buttons.Length) _buttons[button] = pressed;
        _cursorX = x;
        _cursorY = y;
    }

    /// <summary>Handles the cursor moving to framebuffer pixel (<paramref name="x"/>, <paramref name="y"/>), y down:
    /// left drag orbits, right drag pans, middle drag zooms (shift: horizontal plane), as MuJoCo's simulate does.</summary>
    public virtual void OnCursor(double x, double y)
    {
        double dx = x - _cursorX, dy = y - _cursorY;
        _cursorX = x;
        _cursorY = y;
        int action = _buttons[GLFW_MOUSE_BUTTON_LEFT] ? (_shift ? MouseRotateH : MouseRotateV)
            : _buttons[GLFW_MOUSE_BUTTON_RIGHT] ? (_shift ? MouseMoveH : MouseMoveV)
            : _buttons[GLFW_MOUSE_BUTTON_MIDDLE] ? MouseZoom : 0;
        if (action == 0 || ViewportHeight < 1) return;
        MoveCamera(action, dx / ViewportHeight, dy / ViewportHeight);
    }

    /// <summary>Handles a scroll of <paramref name="offset"/> notches: zoom.</summary>
    public void OnScroll(double offset) => MoveCamera(MouseZoom, 0, -0.05 * offset);

    void MoveCamera(int action, double dx, double dy)
    {
        fixed (MjvCamera* camera = &Renderer.Camera)
            MjvNative.mjv_moveCamera(Renderer.Model.Ptr, action, dx, dy, Renderer.Scene.Ptr, camera);
        GC.KeepAlive(Renderer.Model);
    }

    /// <summary>Width of the framebuffer last drawn into.</summary>
    protected int ViewportWidth { get; private set; }

    /// <summary>Height of the framebuffer last drawn into.</summary>
    protected int ViewportHeight { get; private set; }

    /// <summary>Advances the scene by <paramref name="seconds"/> of wall time (running the simulation or the playback).</summary>
    public void Advance(double seconds)
    {
        if (!(seconds >= 0)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "expected a non-negative number of seconds");
        Clock += seconds;
        AdvanceScene(seconds);
    }

    /// <summary>Moves the scene on by <paramref name="seconds"/> of wall time.</summary>
    protected abstract void AdvanceScene(double seconds);

    /// <summary>Puts the frame to show on <see cref="Stage"/>.</summary>
    protected abstract void PrepareStage();

    /// <summary>The statistics overlay (top left).</summary>
    protected abstract OverlayText Statistics();

    /// <summary>The state line at the bottom (paused, speed, frame).</summary>
    protected abstract string StateLine();

    /// <summary>The scene's own key-help lines (key, what it does).</summary>
    protected abstract IEnumerable<(string Key, string Action)> SceneHelp();

    /// <summary>Draws anything over the frame besides the overlays (e.g. the scrub bar); returns the height it took at the bottom.</summary>
    protected virtual int DrawDecorations(MjrRect viewport) => 0;

    /// <summary>Draws the current frame into <paramref name="framebuffer"/> (mjFB_WINDOW or mjFB_OFFSCREEN) at
    /// <paramref name="width"/> × <paramref name="height"/> pixels, then takes a requested screenshot and the recording's frame.</summary>
    public void Draw(int width, int height, int framebuffer)
    {
        if (width < 1 || height < 1) return; // minimised
        ViewportWidth = width;
        ViewportHeight = height;
        double aspect = width / (double)height;
        if (Stage.PhysicsStateSize == 0 && Math.Abs(aspect - _configuredAspect) > 1e-6)
        {
            Stage.ConfigureCamera(Renderer, CameraSpec.Default, aspect);
            _configuredAspect = aspect;
        }
        Renderer.Context.MakeCurrent();
        PrepareStage();
        Renderer.UpdateScene(Stage.Data);
        Stage.Decorate(Renderer.Scene);
        var viewport = new MjrRect { left = 0, bottom = 0, width = width, height = height };
        Renderer.Render(viewport, framebuffer);
        int bottom = DrawDecorations(viewport);
        var upper = new MjrRect { left = 0, bottom = bottom, width = width, height = Math.Max(1, height - bottom) };
        if (ShowHelp) Renderer.DrawOverlay(upper, Help());
        else Renderer.DrawOverlay(upper, Statistics());
        string state = StateLine();
        if (_recording != null) state = "REC " + RecordedFrames.ToString(CultureInfo.InvariantCulture) + "  |  " + state;
        if (Status is { } status) state += "\n" + status;
        Renderer.DrawOverlay(upper, new OverlayText(state, "", OverlayCorner.BottomLeft));
        if (!ShowHelp) Renderer.DrawOverlay(upper, new OverlayText("F1 or h: keys", "", OverlayCorner.TopRight));
        FramesDrawn++;
        Capture(width, height);
    }

    void Capture(int width, int height)
    {
        if (_recordRequested)
        {
            _recordRequested = false;
            StartRecording(width, height);
        }
        if (!_screenshotRequested && _recording is null) return;
        // H.264 in yuv420p needs even sizes; a screenshot keeps every pixel.
        int w = _recording?.Width ?? width, h = _recording?.Height ?? height;
        w = Math.Min(w, width);
        h = Math.Min(h, height);
        if (_frame.Length != w * h * 3) _frame = new byte[w * h * 3];
        Renderer.ReadPixels(_frame, w, h);
        LastCapturedSize = (w, h);
        if (_screenshotRequested)
        {
            _screenshotRequested = false;
            string path = NewOutputPath(".png");
            PngFile.Write(path, _frame, w, h);
            LastScreenshotPath = path;
            Say("screenshot saved to " + path);
        }
        if (_recording != null)
        {
            if (w != _recording.Width || h != _recording.Height)
            {
                // The window shrank below the video's size: a video cannot change size, so the recording ends here.
                StopRecording();
                Say("recording stopped: the window became smaller than the video");
                return;
            }
            _recording.Encoder.WriteFrame(_frame);
            RecordedFrames++;
        }
    }

    void StartRecording(int width, int height)
    {
        int w = width & ~1, h = height & ~1;
        if (w < 2 || h < 2)
        {
            Say("recording needs a window of at least 2x2 pixels");
            return;
        }
        string path = NewOutputPath(".mp4");
        var encoder = new FfmpegEncoder(path, w, h, 30, ClipFormat.Mp4, Ffmpeg);
        _recording = new VideoRecording(encoder, w, h);
        LastRecordingPath = path;
        RecordedFrames = 0;
        Say("recording to " + path);
    }

    /// <summary>Ends the recording, if one runs, and waits for ffmpeg to finish the file.</summary>
    public void StopRecording()
    {
        if (_recording is null) return;
        var recording = _recording;
        _recording = null;
        try
        {
            recording.Encoder.Finish();
            Say($"recorded {RecordedFrames} frames to {LastRecordingPath}");
        }
        finally
        {
            recording.Encoder.Dispose();
        }
    }

    string NewOutputPath(string extension)
    {
        Directory.CreateDirectory(OutputDirectory);
        string stem = $"sim-{SafeName(Stage.EnvId)}-{DateTime.Now:yyyyMMdd-HHmmss-fff}";
        string path = Path.Combine(OutputDirectory, stem + extension);
        for (int n = 2; File.Exists(path); n++) path = Path.Combine(OutputDirectory, $"{stem}-{n}{extension}");
        return Path.GetFullPath(path);
    }

    static string SafeName(string text) => string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    OverlayText Help()
    {
        var lines = SceneHelp().Concat(
        [
            ("Left drag", "orbit (shift: horizontal)"),
            ("Right drag", "pan (shift: horizontal)"),
            ("Scroll", "zoom"),
            ("Tab", "track the main body on/off"),
            ("c / f", "contact points / forces"),
            ("j / t", "joints / transparency"),
            ("p or F2", "screenshot (PNG)"),
            ("v", "record video on/off (MP4)"),
            ("F1 or h", "this help"),
            ("Esc", "close help / quit"),
        ]).ToList();
        var keys = new StringBuilder();
        var actions = new StringBuilder();
        foreach (var (key, action) in lines)
        {
            keys.Append(key).Append('\n');
            actions.Append(action).Append('\n');
        }
        return new OverlayText(keys.ToString().TrimEnd('\n'), actions.ToString().TrimEnd('\n'));
    }

    /// <summary>A step's event caption for the overlay; a dash when nothing happened.</summary>
    protected static string CaptionText(string caption) => caption.Length == 0 ? "-" : caption;

    /// <summary>Formats <paramref name="value"/> for the overlay.</summary>
    protected static string Number(double value, string format = "0.000") =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Ends a running recording and frees the renderer and the stage.</summary>
    public virtual void Dispose()
    {
        StopRecording();
        Renderer.Dispose();
        Stage.Dispose();
        GC.SuppressFinalize(this);
    }

    sealed record VideoRecording(FfmpegEncoder Encoder, int Width, int Height);
}
