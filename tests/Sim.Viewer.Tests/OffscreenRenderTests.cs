using Sim.Core.Trajectories;
using Sim.Viewer.Gl;
using Sim.Viewer.Native;
using Sim.Viewer.Replay;
using Sim.Viewer.Rendering;

namespace Sim.Viewer.Tests;

[Collection(DisplayCollection.Name)]
public class OffscreenRenderTests(XvfbDisplay display)
{
    const int W = 160, H = 120;

    static byte[] RenderFrame(TrajectoryScene scene, MjRenderer renderer, Trajectory t, int frame, CameraSpec? camera = null)
    {
        scene.ConfigureCamera(renderer, camera ?? CameraSpec.Default, W / (double)H);
        scene.ShowFrame(t, frame);
        var rgb = new byte[W * H * 3];
        renderer.RenderFrame(scene.Data, rgb, W, H, scene.Decorate);
        return rgb;
    }

    [Fact]
    public void Hopper_frame_shows_the_orange_body_and_the_green_checker_floor()
    {
        var (t, _) = Rollouts.Record("Hopper-v1", 5);
        using var scene = TrajectoryScene.ForEnv("Hopper-v1");
        using var renderer = MjRenderer.CreateOffscreen(scene.Model, W, H);
        var rgb = RenderFrame(scene, renderer, t, 0);
        Assert.True(Frames.DistinctColours(rgb) > 20, "the frame is (nearly) blank");
        // hopper.xml: body material rgba 0.8 0.6 0.4 (red > green > blue); floor checker 0.8 0.9 0.8 / 0.55 0.65 0.55 (green highest).
        double body = Frames.Fraction(rgb, (r, g, b) => r > g + 10 && g > b + 10);
        double floor = Frames.Fraction(rgb, (r, g, b) => g > r + 5 && g > b + 5);
        Assert.True(body > 0.005, $"only {body:P2} of pixels have the body's colour");
        Assert.True(floor > 0.05, $"only {floor:P2} of pixels have the floor's colour");
    }

    [Fact]
    public void Fast_quality_drops_multisampling_shadows_and_reflections_for_its_renderer_only_and_still_draws_the_scene()
    {
        var (t, _) = Rollouts.Record("Hopper-v1", 5);
        using var scene = TrajectoryScene.ForEnv("Hopper-v1");
        int modelSamples = MjModelVisual.QualityOffSamples(scene.Model);
        Assert.True(modelSamples > 0, "MuJoCo's default offscreen buffer is multisampled");
        using var full = MjRenderer.CreateOffscreen(scene.Model, W, H);
        using var fast = new MjRenderer(scene.Model, GlContext.CreateOffscreen(), ownsContext: true, W, H, quality: RenderQuality.Fast);
        using var fullAgain = MjRenderer.CreateOffscreen(scene.Model, W, H);

        Assert.Equal(modelSamples, full.RenderContext.offSamples);
        Assert.Equal(0, fast.RenderContext.offSamples);
        Assert.Equal(modelSamples, fullAgain.RenderContext.offSamples); // the model's setting was put back
        Assert.Equal(modelSamples, MjModelVisual.QualityOffSamples(scene.Model));
        // mjtRndFlag: shadow is flag 0, reflection flag 2; MuJoCo turns both on in a new scene.
        Assert.Equal((1, 1), (full.Scene.flags[0], full.Scene.flags[2]));
        Assert.Equal((0, 0), (fast.Scene.flags[0], fast.Scene.flags[2]));

        var fullFrame = RenderFrame(scene, full, t, 0);
        var fastFrame = RenderFrame(scene, fast, t, 0);
        Assert.NotEqual(fullFrame, fastFrame);
        double body = Frames.Fraction(fastFrame, (r, g, b) => r > g + 10 && g > b + 10);
        double floor = Frames.Fraction(fastFrame, (r, g, b) => g > r + 5 && g > b + 5);
        Assert.True(body > 0.005, $"only {body:P2} of pixels have the body's colour");
        Assert.True(floor > 0.05, $"only {floor:P2} of pixels have the floor's colour");
    }

    [Fact]
    public void InvertedPendulum_frame_shows_the_cyan_pole_and_blue_rail()
    {
        var (t, _) = Rollouts.Record("InvertedPendulum-v1", 3);
        using var scene = TrajectoryScene.ForEnv("InvertedPendulum-v1");
        using var renderer = MjRenderer.CreateOffscreen(scene.Model, W, H);
        var rgb = RenderFrame(scene, renderer, t, 0, CameraSpec.Free);
        // inverted_pendulum.xml: pole rgba 0 0.7 0.7 (no red), rail 0.3 0.3 0.7 (blue highest).
        double pole = Frames.Fraction(rgb, (r, g, b) => g > r + 40 && b > r + 40 && Math.Abs(g - b) < 30);
        double rail = Frames.Fraction(rgb, (r, g, b) => b > r + 30 && b > g + 30);
        Assert.True(pole > 0.001, $"only {pole:P3} of pixels have the pole's colour");
        Assert.True(rail > 0.001, $"only {rail:P3} of pixels have the rail's colour");
    }

    [Fact]
    public void Two_frames_of_a_moving_rollout_differ()
    {
        var (t, _) = Rollouts.Record("InvertedPendulum-v1", 40, seed: 5);
        using var scene = TrajectoryScene.ForEnv("InvertedPendulum-v1");
        using var renderer = MjRenderer.CreateOffscreen(scene.Model, W, H);
        var first = RenderFrame(scene, renderer, t, 0, CameraSpec.Free);
        var last = RenderFrame(scene, renderer, t, scene.FrameCount(t) - 1, CameraSpec.Free);
        int changed = 0;
        for (int i = 0; i < first.Length; i++) if (Math.Abs(first[i] - last[i]) > 8) changed++;
        Assert.True(changed > 50, $"only {changed} channel values changed between the first and last frame");
        // And the same frame twice is identical: rendering is a function of the state.
        Assert.Equal(last, RenderFrame(scene, renderer, t, scene.FrameCount(t) - 1, CameraSpec.Free));
    }

    [Fact]
    public void Replay_sets_exactly_the_recorded_physics_state()
    {
        var (t, states) = Rollouts.Record("Hopper-v1", 20, seed: 11);
        using var scene = TrajectoryScene.ForEnv("Hopper-v1");
        var shown = new double[t.PhysicsStateSize];
        foreach (int k in new[] { 0, 7, states.Count - 1 })
        {
            scene.ShowFrame(t, k);
            scene.GetPhysicsState(shown);
            // The state recorded by hand during the rollout, bit for bit.
            Assert.Equal(states[k], shown);
            Assert.Equal(states[k].AsSpan(1, scene.Model.nq).ToArray(), scene.Data.qpos.ToArray());
        }
    }

    [Fact]
    public void Model_camera_renders_and_an_unknown_camera_lists_the_available_ones()
    {
        var (t, _) = Rollouts.Record("Hopper-v1", 2);
        using var scene = TrajectoryScene.ForEnv("Hopper-v1");
        using var renderer = MjRenderer.CreateOffscreen(scene.Model, W, H);
        var rgb = RenderFrame(scene, renderer, t, 0, CameraSpec.Parse("track"));
        Assert.True(Frames.DistinctColours(rgb) > 20);
        var e = Assert.Throws<ArgumentException>(() => renderer.SetCamera(CameraSpec.Parse("overhead")));
        Assert.Contains("'overhead'", e.Message);
        Assert.Contains("'track'", e.Message);
        Assert.Contains("free", e.Message);
        var body = Assert.Throws<ArgumentException>(() => renderer.SetCamera(CameraSpec.Parse("tracking:nose")));
        Assert.Contains("torso", body.Message);
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCarContinuous-v1")]
    public void Classic_control_envs_are_drawn_over_the_stage_background(string envId)
    {
        var (t, _) = Rollouts.Record(envId, 3);
        using var scene = TrajectoryScene.ForEnv(envId);
        using var renderer = MjRenderer.CreateOffscreen(scene.Model, W, H);
        var rgb = RenderFrame(scene, renderer, t, 1);
        var sky = ClassicControl.ClassicControlDrawer.Background;
        int sr = (int)(sky.R * 255), sg = (int)(sky.G * 255), sb = (int)(sky.B * 255);
        double background = Frames.Fraction(rgb, (r, g, b) => Math.Abs(r - sr) < 6 && Math.Abs(g - sg) < 6 && Math.Abs(b - sb) < 6);
        Assert.True(background > 0.5, $"only {background:P1} of pixels show the stage's sky colour");
        Assert.True(background < 0.99, $"{background:P1} of pixels are background: nothing was drawn");
    }

    [Fact]
    public void Hidden_glfw_window_renders_under_the_x_display()
    {
        Assert.True(display.Problem is null, display.Problem);
        var (t, _) = Rollouts.Record("Hopper-v1", 2);
        using var scene = TrajectoryScene.ForEnv("Hopper-v1");
        using var renderer = MjRenderer.CreateOffscreen(scene.Model, W, H, GlBackend.Glfw);
        Assert.Equal(GlBackend.Glfw, renderer.Context.Backend);
        var rgb = RenderFrame(scene, renderer, t, 0);
        Assert.True(Frames.Fraction(rgb, (r, g, b) => g > r + 5 && g > b + 5) > 0.05);
    }

    [Fact]
    public void Without_a_display_glfw_says_to_use_xvfb()
    {
        var e = Assert.Throws<RenderingUnavailableException>(() => GlContext.CreateOffscreen(GlBackend.Glfw, _ => null));
        Assert.Contains("DISPLAY is not set", e.Message);
        Assert.Contains("xvfb-run -a", e.Message);
    }

    [Fact]
    public void Bad_trajectory_files_give_clear_messages()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"sim-missing-{Guid.NewGuid():N}.traj");
        var notFound = Assert.Throws<FileNotFoundException>(() => ReplayFile.Read(missing));
        Assert.Contains(missing, notFound.Message);
        Assert.Contains("does not exist", notFound.Message);

        string corrupt = Path.Combine(Path.GetTempPath(), $"sim-corrupt-{Guid.NewGuid():N}.traj");
        File.WriteAllText(corrupt, "this is not a trajectory file");
        try
        {
            var bad = Assert.Throws<TrajectoryFileException>(() => ReplayFile.Read(corrupt));
            Assert.Contains(corrupt, bad.Message);
            Assert.Contains("not a trajectory file", bad.Message);
        }
        finally
        {
            File.Delete(corrupt);
        }
    }
}
