using System.Runtime.InteropServices;
using Sim.Viewer.Native;

namespace Sim.Viewer.Gl;

/// <summary>Process-wide GLFW initialisation and the lock that serialises GLFW calls, which GLFW does not make thread-safe.</summary>
public static unsafe class GlfwPlatform
{
    /// <summary>Hold this while calling GLFW functions other than glfwMakeContextCurrent and glfwSwapBuffers.</summary>
    public static readonly Lock Sync = new();

    static bool _initialized;

    /// <summary>Initialises GLFW once, or explains why it cannot be: no DISPLAY, no X server at DISPLAY, no libglfw3.</summary>
    /// <param name="environment">Reads environment variables (DISPLAY, WAYLAND_DISPLAY); tests inject one.</param>
    public static void EnsureInitialized(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? display = environment("DISPLAY");
        string? wayland = environment("WAYLAND_DISPLAY");
        if (string.IsNullOrEmpty(display) && string.IsNullOrEmpty(wayland))
            throw new RenderingUnavailableException(NoDisplayMessage("DISPLAY is not set, so there is no X server to open a GLFW window on"));
        lock (Sync)
        {
            if (_initialized) return;
            int ok;
            try
            {
                ok = GlfwNative.glfwInit();
            }
            catch (DllNotFoundException e)
            {
                throw new RenderingUnavailableException(e.Message, e);
            }
            if (ok == 0)
                throw new RenderingUnavailableException(NoDisplayMessage($"GLFW could not initialise with DISPLAY={display}: {LastError()}"));
            _initialized = true;
        }
    }

    /// <summary>The message for a machine where GLFW cannot open a window, with the ways to fix it.</summary>
    public static string NoDisplayMessage(string problem) =>
        $"cannot open an OpenGL window: {problem}. On a headless machine install Xvfb (`sudo apt-get install xvfb xauth libgl1-mesa-dri`, " +
        "or scripts/native-deps.sh viewer) and run the command under `xvfb-run -a`, or set DISPLAY to a running X server; " +
        "offscreen rendering can also use EGL (SIM_GL=egl) where libEGL is installed.";

    /// <summary>GLFW's description of its most recent error, or "unknown error".</summary>
    public static string LastError()
    {
        byte* description = null;
        int code = GlfwNative.glfwGetError(&description);
        if (code == 0) return "unknown error";
        return $"{Marshal.PtrToStringUTF8((nint)description)} (GLFW error 0x{code:X})";
    }
}
