using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Trajectories;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;
using Sim.Viewer.ClassicControl;
using Sim.Viewer.Native;
using Sim.Viewer.Rendering;

namespace Sim.Viewer.Replay;

/// <summary>Puts recorded frames of one env id on stage for rendering: MuJoCo envs get their mjData set exactly to the recorded
/// physics state (through the env's own <see cref="IPhysicsState.SetPhysicsState"/>), classic-control envs are drawn from the
/// recorded observation.</summary>
/// <remarks>One scene serves any number of trajectories of its env id; frame k of a trajectory is its physics-state row k
/// (MuJoCo) or observation row k (classic control).</remarks>
public sealed class TrajectoryScene : IDisposable
{
    readonly IVectorEnv? _env;
    readonly IPhysicsState? _physics;
    readonly ClassicControlDrawer? _drawer;
    readonly MjData? _stageData;
    readonly double[] _state;
    float[] _observation = [];

    TrajectoryScene(string envId, IVectorEnv? env, IPhysicsState? physics, MjModel model, MjData data, ClassicControlDrawer? drawer)
    {
        EnvId = envId;
        _env = env;
        _physics = physics;
        Model = model;
        Data = data;
        _drawer = drawer;
        if (drawer != null) _stageData = data;
        _state = new double[physics?.PhysicsStateSize ?? 0];
    }

    /// <summary>Builds the stage for env <paramref name="envId"/> with the keyword arguments <paramref name="envArgs"/> (a
    /// trajectory's <see cref="Trajectory.EnvArgs"/>; none when null): one sub-env of it (MuJoCo), or an empty model and a drawer.</summary>
    /// <exception cref="ArgumentException">The env id is not registered (the message lists the known ids), an argument is
    /// bad, or the env cannot be drawn.</exception>
    public static TrajectoryScene ForEnv(string envId, IReadOnlyDictionary<string, string>? envArgs = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(envId);
        if (ClassicControlDrawer.For(envId) is { } drawer)
        {
            var stage = ClassicControlDrawer.CreateStageModel();
            return new TrajectoryScene(envId, null, null, stage, new MjData(stage), drawer);
        }
        var env = Envs.Envs.Make(envId, 1, seed: 0, arguments: envArgs);
        var mujoco = Innermost(env) as MuJoCoVectorEnv;
        if (mujoco is null)
        {
            env.Dispose();
            throw new ArgumentException($"env '{envId}' has neither a MuJoCo model nor a classic-control drawer, so it cannot be rendered");
        }
        env.Reset(0);
        return new TrajectoryScene(envId, env, mujoco, mujoco.Model, mujoco.Data(0), null);
    }

    static IVectorEnv Innermost(IVectorEnv env)
    {
        while (env is VectorEnvWrapper wrapper) env = wrapper.Inner;
        return env;
    }

    /// <summary>The env id this scene renders.</summary>
    public string EnvId { get; }

    /// <summary>The model to render: the env's own, or the empty classic-control stage.</summary>
    public MjModel Model { get; }

    /// <summary>The data holding the frame last shown.</summary>
    public MjData Data { get; }

    /// <summary>Whether frames come from physics states (MuJoCo) rather than observations (classic control).</summary>
    public bool UsesPhysicsState => _physics != null;

    /// <summary>Frames available in <paramref name="trajectory"/>: its physics-state rows, or its observation rows.</summary>
    public int FrameCount(Trajectory trajectory) => UsesPhysicsState ? trajectory.PhysicsStateRows : trajectory.Steps + 1;

    /// <summary>Throws unless <paramref name="trajectory"/> was recorded from this scene's env with what replay needs.</summary>
    public void CheckCompatible(Trajectory trajectory)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        if (trajectory.EnvId != EnvId)
            throw new ArgumentException($"trajectory of env '{trajectory.EnvId}' cannot be shown in a scene of '{EnvId}'", nameof(trajectory));
        if (_physics != null)
        {
            if (trajectory.PhysicsStateSize == 0)
                throw new ArgumentException(
                    $"trajectory of {EnvId} has no physics states: record it with physics states (TrajectoryRecorder with recordPhysicsState: true) to replay it",
                    nameof(trajectory));
            if (trajectory.PhysicsStateSize != _physics.PhysicsStateSize)
                throw new ArgumentException(
                    $"trajectory of {EnvId} has physics states of {trajectory.PhysicsStateSize} doubles, but the env's model needs {_physics.PhysicsStateSize} " +
                    "(time, qpos, qvel, act): it was recorded with another model", nameof(trajectory));
        }
        else if (_drawer != null && trajectory.ObservationSize != _drawer.ObservationSize)
        {
            throw new ArgumentException(
                $"trajectory of {EnvId} has observations of {trajectory.ObservationSize} floats, expected {_drawer.ObservationSize}", nameof(trajectory));
        }
    }

    /// <summary>Sets the stage to frame <paramref name="frame"/> of <paramref name="trajectory"/>: for MuJoCo, qpos, qvel, act and
    /// time exactly as recorded, then mj_forward.</summary>
    public void ShowFrame(Trajectory trajectory, int frame)
    {
        CheckCompatible(trajectory);
        int count = FrameCount(trajectory);
        if ((uint)frame >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(frame), frame, $"frame {frame} does not exist: the trajectory has frames 0..{count - 1}");
        if (_physics != null)
        {
            _physics.SetPhysicsState(0, trajectory.PhysicsState(frame));
        }
        else
        {
            var row = trajectory.Observation(frame);
            if (_observation.Length != row.Length) _observation = new float[row.Length];
            row.CopyTo(_observation);
        }
    }

    /// <summary>Sets the stage to a physics state <c>[time, qpos, qvel, act]</c> that did not come from a trajectory (a live
    /// env's history), through the env's own <see cref="IPhysicsState.SetPhysicsState"/> (MuJoCo scenes only).</summary>
    public void ShowPhysicsState(ReadOnlySpan<double> state)
    {
        if (_physics is null) throw new InvalidOperationException($"{EnvId} has no physics state: it is drawn from observations");
        _physics.SetPhysicsState(0, state);
    }

    /// <summary>Sets a classic-control stage to an observation row that did not come from a trajectory.</summary>
    public void ShowObservation(ReadOnlySpan<float> observation)
    {
        if (_drawer is null) throw new InvalidOperationException($"{EnvId} is drawn from its physics state, not from observations");
        if (observation.Length != _drawer.ObservationSize)
            throw new ArgumentException($"{EnvId} observation has {observation.Length} floats, expected {_drawer.ObservationSize}", nameof(observation));
        if (_observation.Length != observation.Length) _observation = new float[observation.Length];
        observation.CopyTo(_observation);
    }

    /// <summary>Doubles per physics state of this scene's env, or 0 for classic control.</summary>
    public int PhysicsStateSize => _physics?.PhysicsStateSize ?? 0;

    /// <summary>Simulated seconds per env step (MuJoCo envs), or null when the scene does not know it (classic control).</summary>
    public double? StepSeconds => _physics is MuJoCoVectorEnv mujoco ? mujoco.Dt : null;

    /// <summary>Copies the physics state of the frame on stage into <paramref name="destination"/> (MuJoCo scenes only).</summary>
    public void GetPhysicsState(Span<double> destination)
    {
        if (_physics is null) throw new InvalidOperationException($"{EnvId} has no physics state: it is drawn from observations");
        _physics.GetPhysicsState(0, destination);
    }

    /// <summary>Adds the user geoms of the frame on stage (classic control); MuJoCo scenes need none.</summary>
    public void Decorate(MjvScene scene)
    {
        if (_drawer != null && _observation.Length > 0) _drawer.Draw(scene, _observation);
    }

    /// <summary>Points the renderer's camera: <paramref name="camera"/> for MuJoCo models, the fixed side view for classic
    /// control (which accepts only the default camera).</summary>
    public void ConfigureCamera(MjRenderer renderer, CameraSpec camera, double aspect)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        ArgumentNullException.ThrowIfNull(camera);
        if (_drawer is null)
        {
            renderer.SetCamera(camera);
            if (camera.Kind == CameraKind.Default && (_physics as IDefaultCameraEnv)?.DefaultCamera is { } config)
                renderer.ApplyCameraConfig(config);
            return;
        }
        if (camera.Kind != CameraKind.Default)
            throw new ArgumentException($"camera '{camera}' is not available for {EnvId}: classic-control envs are drawn from the side with the default camera only");
        _drawer.ConfigureCamera(ref renderer.Camera, aspect);
    }

    /// <summary>Releases the env (or the stage data).</summary>
    public void Dispose()
    {
        _env?.Dispose();
        if (_stageData != null)
        {
            _stageData.Dispose();
            Model.Dispose();
        }
    }
}
