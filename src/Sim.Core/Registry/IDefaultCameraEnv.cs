namespace Sim.Core.Registry;

/// <summary>An env rendered through a MuJoCo camera whose default view can be set (Gymnasium's <c>default_camera_config</c>).</summary>
/// <remarks>The setting changes only how frames are rendered, never the physics or the observations.</remarks>
public interface IDefaultCameraEnv
{
    /// <summary>The default view's settings, or null for the env's own default view.</summary>
    DefaultCameraConfig? DefaultCamera { get; }

    /// <summary>Sets <see cref="DefaultCamera"/> after checking its ids against the model.</summary>
    /// <exception cref="ArgumentException">A body or camera id is not in the model.</exception>
    void UseDefaultCamera(DefaultCameraConfig config, string envId);
}
