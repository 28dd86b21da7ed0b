using Sim.Core;
using Sim.MuJoCo;
using Sim.Viewer.Native;

namespace Sim.Viewer.ClassicControl;

/// <summary>Draws a classic-control env (no MuJoCo model of its own) with user geoms in the x-z plane of an empty stage model,
/// seen from the side by a fixed free camera.</summary>
/// <remarks>Drawings read the observation row, which for these envs determines the picture (angles come back through
/// atan2 of their cosines and sines), so live envs and recorded trajectories are drawn the same way.</remarks>
public abstract class ClassicControlDrawer
{
    /// <summary>Background, ground and body colours shared by the drawings.</summary>
    protected static readonly Rgba Track = new(0.25f, 0.25f, 0.25f), Body = new(0.85f, 0.55f, 0.25f), Pole = new(0.8f, 0.3f, 0.3f),
        Joint = new(0.3f, 0.3f, 0.8f), Goal = new(0.2f, 0.7f, 0.2f);

    /// <summary>The stage's sky colour, which fills the background of every classic-control frame.</summary>
    public static Rgba Background { get; } = new(0.95f, 0.95f, 0.97f);

    /// <summary>Env ids (without version) this drawer draws, e.g. <c>CartPole</c>.</summary>
    public abstract string EnvName { get; }

    /// <summary>Floats per observation row the drawer expects.</summary>
    public abstract int ObservationSize { get; }

    /// <summary>Centre of the drawing in the x-z plane and the width of world it must show.</summary>
    protected abstract (double X, double Z, double Width) View { get; }

    /// <summary>Adds the geoms for <paramref name="observation"/> to <paramref name="scene"/>.</summary>
    public abstract void Draw(MjvScene scene, ReadOnlySpan<float> observation);

    /// <summary>Draws sub-env <paramref name="index"/> of the live <paramref name="env"/> from its state.</summary>
    public virtual void DrawEnv(MjvScene scene, IVectorEnv env, int index)
    {
        ArgumentNullException.ThrowIfNull(env);
        int size = env.SingleObservationSpace.FlatSize;
        Draw(scene, env.Observations.Slice(index * size, size));
    }

    /// <summary>Points the free camera at the drawing from the -y side, so +x is right and +z is up.</summary>
    public unsafe void ConfigureCamera(ref MjvCamera camera, double aspect)
    {
        var (x, z, width) = View;
        camera.type = 0; // mjCAMERA_FREE
        camera.lookat[0] = x;
        camera.lookat[1] = 0;
        camera.lookat[2] = z;
        camera.azimuth = 90;
        camera.elevation = 0;
        // The stage's vertical field of view is 45 degrees, so the visible width at distance d is 2 d tan(22.5°) × aspect.
        camera.distance = width / (2 * Math.Tan(Math.PI / 8) * aspect);
    }

    /// <summary>Throws unless <paramref name="observation"/> has <see cref="ObservationSize"/> floats.</summary>
    protected void CheckSize(ReadOnlySpan<float> observation)
    {
        if (observation.Length != ObservationSize)
            throw new ArgumentException($"{EnvName} observation has {observation.Length} floats, expected {ObservationSize}", nameof(observation));
    }

    /// <summary>The drawer for env id <paramref name="envId"/> (version ignored), or null when it is not a classic-control env.</summary>
    public static ClassicControlDrawer? For(string envId)
    {
        ArgumentNullException.ThrowIfNull(envId);
        string name = envId.Split('-')[0];
        return name switch
        {
            "CartPole" => new CartPoleDrawer(),
            "Pendulum" => new PendulumDrawer(),
            "Acrobot" => new AcrobotDrawer(),
            "MountainCarContinuous" => new MountainCarDrawer(),
            _ => null,
        };
    }

    /// <summary>An empty model to render drawings in: a flat-coloured sky, a headlight and one light, nothing else.</summary>
    public static MjModel CreateStageModel()
    {
        string sky = $"{Background.R:0.###} {Background.G:0.###} {Background.B:0.###}";
        return MjModel.FromXmlString($"""
            <mujoco model="classic-control-stage">
              <visual>
                <global fovy="45"/>
                <headlight ambient="0.35 0.35 0.35" diffuse="0.6 0.6 0.6" specular="0.1 0.1 0.1"/>
              </visual>
              <asset>
                <texture name="sky" type="skybox" builtin="flat" rgb1="{sky}" rgb2="{sky}" width="8" height="8"/>
              </asset>
              <worldbody>
                <light pos="0 -4 4" dir="0 1 -1" directional="true"/>
              </worldbody>
            </mujoco>
            """, "classic-control-stage.xml");
    }
}
