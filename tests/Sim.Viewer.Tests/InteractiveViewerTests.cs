using Sim.Core;
using Sim.Core.Trajectories;
using Sim.Core.Wrappers;
using Sim.Viewer.Gl;
using Sim.Viewer.Interactive;
using static Sim.Viewer.Native.GlfwNative;

namespace Sim.Viewer.Tests;

[Collection(DisplayCollection.Name)]
public sealed class InteractiveViewerTests(XvfbDisplay display) : IDisposable
{
    const int W = 320, H = 240;
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"sim-viewer-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    ViewerWindow Live(string envId, int numEnvs = 1, ulong seed = 7)
    {
        Assert.True(display.Problem is null, display.Problem);
        return ViewerApp.OpenLive(LiveSimulation.Create(envId, numEnvs, seed), _folder, width: W, height: H);
    }

    static IPhysicsState Physics(IVectorEnv env)
    {
        while (env is VectorEnvWrapper w) env = w.Inner;
        return (IPhysicsState)env;
    }

    static double[] State(IPhysicsState physics, int env)
    {
        var state = new double[physics.PhysicsStateSize];
        physics.GetPhysicsState(env, state);
        return state;
    }

    [Fact]
    public void Window_screenshot_shows_the_hopper_body_and_floor()
    {
        using var window = Live("Hopper-v1");
        window.RunFrames(2);
        Assert.True(window.Controller.OnKey(GLFW_KEY_F2));
        window.RunFrames(1);
        string path = window.Controller.LastScreenshotPath!;
        Assert.True(File.Exists(path), "no screenshot was written");
        var (w, h) = window.Controller.LastCapturedSize;
        Assert.Equal((w, h), ClipTests.PngSize(path));
        Assert.Equal(window.Window.FramebufferSize, (w, h));
        var rgb = window.Controller.LastCapturedFrame.ToArray();
        Assert.True(Frames.DistinctColours(rgb) > 20, "the window shows a (nearly) blank frame");
        // hopper.xml: body rgba 0.8 0.6 0.4 (red > green > blue); floor checker greenish (green highest).
        double body = Frames.Fraction(rgb, (r, g, b) => r > g + 10 && g > b + 10);
        double floor = Frames.Fraction(rgb, (r, g, b) => g > r + 5 && g > b + 5);
        Assert.True(body > 0.005, $"only {body:P2} of pixels have the body's colour");
        Assert.True(floor > 0.05, $"only {floor:P2} of pixels have the floor's colour");
    }

    [Fact]
    public void Paused_single_step_advances_exactly_one_step_of_the_same_rollout()
    {
        using var window = Live("Hopper-v1", seed: 21);
        var c = (LiveViewController)window.Controller;
        window.RunFrames(3, 0.05); // 0.15 s at dt 0.008: some steps
        c.OnKey(GLFW_KEY_SPACE);
        Assert.True(c.Paused);
        long before = c.Simulation.TotalSteps;
        Assert.True(before > 0);
        window.RunFrames(4, 0.1);
        Assert.Equal(before, c.Simulation.TotalSteps);
        Assert.True(c.OnKey(GLFW_KEY_RIGHT));
        Assert.Equal(before + 1, c.Simulation.TotalSteps);

        // An independent rollout: the same env, seed and random action stream, stepped by hand.
        using var env = Envs.Envs.Make("Hopper-v1", 1, 21, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        var actions = new RandomActionSource(env.SingleActionSpace, 21);
        env.Reset(21);
        var row = new float[env.SingleActionSpace.FlatSize];
        for (long t = 0; t < before + 1; t++)
        {
            actions.Act(env.Observations, 1, row);
            env.Step(row);
        }
        var shown = new double[c.Simulation.PhysicsStateSize];
        c.GetShownPhysicsState(shown);
        Assert.Equal(State(Physics(env), 0), shown);
    }

    [Fact]
    public void Left_arrow_steps_back_to_the_exact_earlier_states_and_right_returns()
    {
        using var window = Live("Walker2d-v1", seed: 4);
        var c = (LiveViewController)window.Controller;
        var physics = Physics(c.Simulation.Env);
        c.OnKey(GLFW_KEY_SPACE);
        var states = new List<double[]> { State(physics, 0) };
        for (int i = 0; i < 6; i++)
        {
            c.OnKey(GLFW_KEY_RIGHT);
            states.Add(State(physics, 0));
        }
        var shown = new double[physics.PhysicsStateSize];
        for (int back = 1; back <= 4; back++)
        {
            Assert.True(c.OnKey(GLFW_KEY_LEFT));
            window.RunFrames(1);
            c.GetShownPhysicsState(shown);
            Assert.Equal(states[^(1 + back)], shown);
        }
        // The envs themselves were not rewound.
        Assert.Equal(states[^1], State(physics, 0));
        c.OnKey(GLFW_KEY_RIGHT);
        c.GetShownPhysicsState(shown);
        Assert.Equal(states[^4], shown);
        long steps = c.Simulation.TotalSteps;
        c.OnKey(GLFW_KEY_SPACE); // running again continues from the live state
        Assert.Equal(0, c.HistoryBack);
        c.GetShownPhysicsState(shown);
        Assert.Equal(states[^1], shown);
        Assert.Equal(steps, c.Simulation.TotalSteps);
    }

    [Fact]
    public void Keys_switch_envs_change_speed_toggle_flags_help_and_reset()
    {
        using var window = Live("Hopper-v1", numEnvs: 3);
        var c = (LiveViewController)window.Controller;
        c.OnKey(GLFW_KEY_RIGHT_BRACKET);
        Assert.Equal(1, c.ShownEnv);
        c.OnKey(GLFW_KEY_LEFT_BRACKET);
        c.OnKey(GLFW_KEY_LEFT_BRACKET);
        Assert.Equal(2, c.ShownEnv);
        c.OnKey(GLFW_KEY_PAGE_DOWN);
        Assert.Equal(0, c.ShownEnv);
        c.OnKey(GLFW_KEY_PAGE_UP);
        Assert.Equal(2, c.ShownEnv);

        foreach (var (key, flag) in new[] { ('C', VisualFlags.ContactPoint), ('F', VisualFlags.ContactForce), ('J', VisualFlags.Joint), ('T', VisualFlags.Transparent) })
        {
            bool before = c.IsVisualFlagOn(flag);
            c.OnKey(key);
            Assert.Equal(!before, c.IsVisualFlagOn(flag));
            window.RunFrames(1);
            c.OnKey(key);
            Assert.Equal(before, c.IsVisualFlagOn(flag));
        }

        Assert.Equal(1.0, c.Speed);
        c.OnKey(GLFW_KEY_MINUS);
        Assert.Equal(0.5, c.Speed);
        c.OnKey(GLFW_KEY_EQUAL);
        c.OnKey(GLFW_KEY_EQUAL);
        Assert.Equal(2.0, c.Speed);

        Assert.True(c.Tracking);
        c.OnKey(GLFW_KEY_TAB);
        Assert.False(c.Tracking);
        c.OnKey(GLFW_KEY_TAB);
        Assert.True(c.Tracking);

        c.OnKey('H');
        Assert.True(c.ShowHelp);
        window.RunFrames(1);
        c.OnKey(GLFW_KEY_F1);
        Assert.False(c.ShowHelp);

        window.RunFrames(3, 0.05);
        Assert.True(c.Simulation.TotalSteps > 0);
        c.OnKey(GLFW_KEY_BACKSPACE);
        Assert.Equal(0, c.Simulation.TotalSteps);
        Assert.Equal(0, c.Simulation.Stats(0, 0).Step);
    }

    [Fact]
    public void Mouse_drag_orbits_and_scroll_zooms_the_camera()
    {
        using var window = Live("Hopper-v1");
        var c = window.Controller;
        window.RunFrames(1);
        double azimuth = c.Renderer.Camera.azimuth, distance = c.Renderer.Camera.distance;
        c.OnMouseButton(GLFW_MOUSE_BUTTON_LEFT, true, 100, 100);
        c.OnCursor(160, 100);
        c.OnMouseButton(GLFW_MOUSE_BUTTON_LEFT, false, 160, 100);
        Assert.NotEqual(azimuth, c.Renderer.Camera.azimuth);
        // MuJoCo's convention (simulate): scrolling down moves the camera closer.
        c.OnScroll(-2);
        Assert.True(c.Renderer.Camera.distance < distance, "scrolling down did not zoom in");
        c.OnScroll(4);
        Assert.True(c.Renderer.Camera.distance > distance, "scrolling up did not zoom out");
    }

    [Fact]
    public void Classic_control_env_is_drawn_live_over_the_stage_background()
    {
        using var window = Live("CartPole-v1");
        window.RunFrames(2);
        window.Controller.OnKey('P');
        window.RunFrames(1);
        var rgb = window.Controller.LastCapturedFrame.ToArray();
        var sky = ClassicControl.ClassicControlDrawer.Background;
        double background = Frames.Fraction(rgb, (r, g, b) => Math.Abs(r - (int)(sky.R * 255)) < 6 && Math.Abs(g - (int)(sky.G * 255)) < 6 && Math.Abs(b - (int)(sky.B * 255)) < 6);
        // The overlay text covers part of a small window; the rest is sky, and the cart (rgb 0.85 0.55 0.25: red > green > blue) is drawn.
        Assert.InRange(background, 0.15, 0.99);
        double cart = Frames.Fraction(rgb, (r, g, b) => r > g + 20 && g > b + 20);
        Assert.True(cart > 0.002, $"only {cart:P2} of pixels have the cart's colour");
    }

    [Fact]
    public void Recording_writes_a_video_with_one_frame_per_frame_shown()
    {
        using var window = Live("Hopper-v1");
        var c = window.Controller;
        window.RunFrames(1);
        c.OnKey('V');
        window.RunFrames(7);
        Assert.True(c.IsRecording);
        c.OnKey('V');
        Assert.False(c.IsRecording);
        Assert.Equal(7, c.RecordedFrames);
        var (frames, width, height, codec) = ClipTests.Probe(c.LastRecordingPath!);
        Assert.Equal(7, frames);
        Assert.Equal("h264", codec);
        var (fw, fh) = window.Window.FramebufferSize;
        Assert.Equal((fw & ~1, fh & ~1), (width, height));
    }

    string WriteRollout(string envId, int steps, out List<double[]> states)
    {
        var (t, recorded) = Rollouts.Record(envId, steps, seed: 9);
        states = recorded;
        Directory.CreateDirectory(_folder);
        string path = Path.Combine(_folder, "episodes.msgpack");
        TrajectoryFile.Write(path, [t]);
        return path;
    }

    [Fact]
    public void Replay_seeks_by_keys_and_scrub_bar_to_the_exact_recorded_states()
    {
        string path = WriteRollout("HalfCheetah-v1", 120, out var states);
        Assert.True(display.Problem is null, display.Problem);
        using var window = ViewerApp.OpenReplay(path, 0, _folder, W, H);
        var c = (ReplayController)window.Controller;
        var shown = new double[c.Stage.PhysicsStateSize];
        void Check(int frame)
        {
            Assert.Equal(frame, c.Frame);
            window.RunFrames(1, 0);
            c.Stage.GetPhysicsState(shown);
            Assert.Equal(states[frame], shown);
            Assert.Equal(states[frame].AsSpan(1, c.Stage.Model.nq).ToArray(), c.Stage.Data.qpos.ToArray());
        }
        Assert.Equal(states.Count, c.FrameCount);
        c.OnKey(GLFW_KEY_SPACE);
        Assert.False(c.Playing);
        c.OnKey(GLFW_KEY_END);
        Check(states.Count - 1);
        c.OnKey(GLFW_KEY_HOME);
        Check(0);
        c.OnKey(GLFW_KEY_PAGE_DOWN);
        Check(ReplayController.PageFrames);
        c.OnKey(GLFW_KEY_RIGHT);
        c.OnKey(GLFW_KEY_RIGHT);
        c.OnKey(GLFW_KEY_LEFT);
        Check(ReplayController.PageFrames + 1);
        c.OnKey(GLFW_KEY_PAGE_UP);
        Check(1);

        // Click three quarters along the bar, then drag to its end.
        var bar = c.ScrubBar;
        var (_, fh) = window.Window.FramebufferSize;
        double y = fh - (bar.bottom + bar.height / 2.0);
        c.OnMouseButton(GLFW_MOUSE_BUTTON_LEFT, true, bar.left + 0.75 * bar.width, y);
        Check((int)Math.Round(0.75 * (states.Count - 1)));
        c.OnCursor(bar.left + bar.width + 30, y);
        c.OnMouseButton(GLFW_MOUSE_BUTTON_LEFT, false, bar.left + bar.width + 30, y);
        Check(states.Count - 1);

        // Playing at speed 1 for one second of wall time moves one second of env steps (dt 0.05 -> 20 frames).
        c.OnKey(GLFW_KEY_HOME);
        c.OnKey(GLFW_KEY_SPACE);
        window.RunFrames(10, 0.1);
        Assert.Equal((int)Math.Round(1.0 * c.FramesPerSecond), c.Frame);
    }

    [Fact]
    public void Bad_input_gives_clear_messages()
    {
        string missing = Path.Combine(_folder, "missing.msgpack");
        var notFound = Assert.Throws<FileNotFoundException>(() => ViewerApp.OpenReplay(missing, 0, _folder));
        Assert.Contains(missing, notFound.Message);

        Directory.CreateDirectory(_folder);
        string corrupt = Path.Combine(_folder, "corrupt.msgpack");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4, 5]);
        var bad = Assert.Throws<TrajectoryFileException>(() => ViewerApp.OpenReplay(corrupt, 0, _folder));
        Assert.Contains(corrupt, bad.Message);

        string path = WriteRollout("Hopper-v1", 5, out _);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => ViewerApp.OpenReplay(path, 3, _folder));
        Assert.Contains("--episode 3", range.Message);
        Assert.Contains("0..0", range.Message);

        var unknown = Assert.Throws<KeyNotFoundException>(() => LiveSimulation.Create("Hoper-v1", 1, 0));
        Assert.Contains("Hoper-v1", unknown.Message);
        Assert.Contains("Hopper-v1", unknown.Message);

        var noDisplay = Assert.Throws<RenderingUnavailableException>(() => ViewerApp.OpenLive(LiveSimulation.Create("Hopper-v1", 1, 0), _folder, environment: _ => null));
        Assert.Contains("xvfb-run -a", noDisplay.Message);
    }
}
