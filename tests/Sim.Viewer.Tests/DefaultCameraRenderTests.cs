using Sim.Core.Registry;
using Sim.Core.Trajectories;
using Sim.Viewer.Clips;
using Sim.Viewer.Rendering;
using Sim.Viewer.Replay;

namespace Sim.Viewer.Tests;

/// <summary>An env built with Gymnasium's <c>default_camera_config</c> is rendered through that camera: the fields it names
/// are set on the default view, an explicit <c>--camera</c> choice still wins, and clips of it get their own content ids.</summary>
[Collection(DisplayCollection.Name)]
public class DefaultCameraRenderTests(XvfbDisplay display)
{
    const int W = 160, H = 120;

    static Dictionary<string, string> Camera(string json) => new() { [DefaultCameraConfig.ArgumentName] = json };

    static byte[] Render(TrajectoryScene scene, MjRenderer renderer, Trajectory t, CameraSpec camera)
    {
        scene.ConfigureCamera(renderer, camera, W / (double)H);
        scene.ShowFrame(t, 0);
        var rgb = new byte[W * H * 3];
        renderer.RenderFrame(scene.Data, rgb, W, H, scene.Decorate);
        return rgb;
    }

    [Fact]
    public void The_default_view_takes_every_field_the_config_names()
    {
        _ = display;
        // Gymnasium's Hopper-v5 DEFAULT_CAMERA_CONFIG, with an azimuth added.
        using var scene = TrajectoryScene.ForEnv("Hopper-v5",
            Camera("""{"trackbodyid": 2, "distance": 3.0, "lookat": [0.0, 0.0, 1.15], "elevation": -20.0, "azimuth": 135}"""));
        using var renderer = MjRenderer.CreateOffscreen(scene.Model, W, H);
        scene.ConfigureCamera(renderer, CameraSpec.Default, W / (double)H);

        ref var camera = ref renderer.Camera;
        Assert.Equal(1, camera.type); // tracking: a moving body was named without a type
        Assert.Equal(2, camera.trackbodyid);
        Assert.Equal(3.0, camera.distance);
        Assert.Equal(-20.0, camera.elevation);
        Assert.Equal(135.0, camera.azimuth);
        unsafe
        {
            Assert.Equal(1.15, camera.lookat[2]);
        }
    }

    [Fact]
    public void A_world_body_to_track_gives_a_free_camera_and_a_type_given_wins()
    {
        using var free = TrajectoryScene.ForEnv("Hopper-v5", Camera("""{"trackbodyid": 0, "distance": 5}"""));
        using var renderer = MjRenderer.CreateOffscreen(free.Model, W, H);
        free.ConfigureCamera(renderer, CameraSpec.Default, W / (double)H);
        Assert.Equal(0, renderer.Camera.type);

        using var fixedView = TrajectoryScene.ForEnv("Hopper-v5", Camera("""{"type": 2, "fixedcamid": 0}"""));
        using var fixedRenderer = MjRenderer.CreateOffscreen(fixedView.Model, W, H);
        fixedView.ConfigureCamera(fixedRenderer, CameraSpec.Default, W / (double)H);
        Assert.Equal(2, fixedRenderer.Camera.type);
        Assert.Equal(0, fixedRenderer.Camera.fixedcamid);
    }

    [Fact]
    public void A_far_camera_shows_the_hopper_smaller_than_a_near_one()
    {
        var (t, _) = Rollouts.Record("Hopper-v5", 3);
        using var near = TrajectoryScene.ForEnv("Hopper-v5", Camera("""{"distance": 1.5}"""));
        using var far = TrajectoryScene.ForEnv("Hopper-v5", Camera("""{"distance": 12}"""));
        using var nearRenderer = MjRenderer.CreateOffscreen(near.Model, W, H);
        using var farRenderer = MjRenderer.CreateOffscreen(far.Model, W, H);
        // hopper.xml's body colour 0.8 0.6 0.4: red > green > blue.
        static double Body(byte[] rgb) => Frames.Fraction(rgb, (r, g, b) => r > g + 10 && g > b + 10);
        double nearBody = Body(Render(near, nearRenderer, t, CameraSpec.Default));
        double farBody = Body(Render(far, farRenderer, t, CameraSpec.Default));
        Assert.True(farBody > 0, "the far camera does not show the hopper at all");
        Assert.True(nearBody > 4 * farBody, $"body share near {nearBody:P2}, far {farBody:P2}: expected the near view to be much larger");
    }

    [Fact]
    public void An_explicit_camera_choice_is_not_changed_by_the_config()
    {
        var (t, _) = Rollouts.Record("Hopper-v5", 3);
        using var plain = TrajectoryScene.ForEnv("Hopper-v5");
        using var configured = TrajectoryScene.ForEnv("Hopper-v5", Camera("""{"distance": 12, "azimuth": 10}"""));
        using var plainRenderer = MjRenderer.CreateOffscreen(plain.Model, W, H);
        using var configuredRenderer = MjRenderer.CreateOffscreen(configured.Model, W, H);
        Assert.Equal(Render(plain, plainRenderer, t, CameraSpec.Free), Render(configured, configuredRenderer, t, CameraSpec.Free));
        Assert.NotEqual(Render(plain, plainRenderer, t, CameraSpec.Default), Render(configured, configuredRenderer, t, CameraSpec.Default));
    }

    [Fact]
    public void Recorded_env_arguments_travel_with_the_trajectory_and_change_the_clip_id()
    {
        var args = Camera("""{"distance": 6}""");
        using var env = Envs.Envs.Make("Hopper-v5", 1, seed: 1, arguments: args);
        var recorder = new TrajectoryRecorder(env, "Hopper-v5", envArgs: args);
        env.Reset(1);
        recorder.RecordReset(1);
        var action = new float[env.SingleActionSpace.FlatSize];
        for (int step = 0; step < 4; step++)
        {
            env.Step(action);
            recorder.RecordStep(action);
        }
        recorder.FlushInProgress();
        var withArgs = recorder.TakeCompleted()[0];
        Assert.Equal(args, withArgs.EnvArgs);

        var withoutArgs = new Trajectory
        {
            EnvId = withArgs.EnvId, ObservationSize = withArgs.ObservationSize, ActionSize = withArgs.ActionSize, Steps = withArgs.Steps,
            Observations = withArgs.Observations, Actions = withArgs.Actions, Rewards = withArgs.Rewards, Terminated = withArgs.Terminated,
            Truncated = withArgs.Truncated, PhysicsStateSize = withArgs.PhysicsStateSize, PhysicsStates = withArgs.PhysicsStates,
            HasFinalPhysicsState = withArgs.HasFinalPhysicsState, RewardTermNames = withArgs.RewardTermNames, RewardTerms = withArgs.RewardTerms,
        };
        var settings = new ClipSettings();
        Assert.NotEqual(ClipKey.Compute(new ClipRequest(withArgs, 0, 4, settings)), ClipKey.Compute(new ClipRequest(withoutArgs, 0, 4, settings)));
    }
}
