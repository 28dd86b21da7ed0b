namespace Sim.Viewer.Gl;

/// <summary>How an OpenGL context is obtained.</summary>
public enum GlBackend
{
    /// <summary>The SIM_GL environment variable if set, else EGL, else a hidden GLFW window.</summary>
    Auto,

    /// <summary>EGL without a window system (Mesa's surfaceless platform, or a GPU's EGL device): no X server needed.</summary>
    Egl,

    /// <summary>A GLFW window on an X server (a real display or Xvfb); hidden for offscreen rendering.</summary>
    Glfw,
}
