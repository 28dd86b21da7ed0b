using System.Text;
using Sim.Viewer.Native;

namespace Sim.Viewer.Gl;

/// <summary>A GLFW window and its OpenGL context: hidden for offscreen rendering, or visible for the interactive viewer.</summary>
public sealed unsafe class GlfwWindow : GlContext
{
    GlfwWindow(nint handle) => Handle = handle;

    /// <summary>The GLFWwindow pointer, for input callbacks and window queries.</summary>
    public nint Handle { get; }

    public override GlBackend Backend => GlBackend.Glfw;

    /// <summary>Creates a hidden window whose context renders into MuJoCo's offscreen framebuffer.</summary>
    public static GlfwWindow CreateHidden(int width, int height, Func<string, string?>? environment = null) =>
        Create(width, height, "sim offscreen", visible: false, environment);

    /// <summary>Creates a window of <paramref name="width"/> × <paramref name="height"/> screen units with a double-buffered context.</summary>
    public static GlfwWindow Create(int width, int height, string title, bool visible, Func<string, string?>? environment = null)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"window size {width}x{height}: expected positive sizes");
        GlfwPlatform.EnsureInitialized(environment);
        var titleBytes = Encoding.UTF8.GetBytes(title + "\0");
        lock (GlfwPlatform.Sync)
        {
            GlfwNative.glfwDefaultWindowHints();
            GlfwNative.glfwWindowHint(GlfwNative.GLFW_VISIBLE, visible ? GlfwNative.GLFW_TRUE : GlfwNative.GLFW_FALSE);
            GlfwNative.glfwWindowHint(GlfwNative.GLFW_DOUBLEBUFFER, GlfwNative.GLFW_TRUE);
            // Multisampling of the window buffer; MuJoCo's offscreen buffer has its own (vis.quality.offsamples).
            GlfwNative.glfwWindowHint(GlfwNative.GLFW_SAMPLES, visible ? 4 : 0);
            nint handle;
            fixed (byte* t = titleBytes) handle = GlfwNative.glfwCreateWindow(width, height, t, 0, 0);
            if (handle == 0)
                throw new RenderingUnavailableException(GlfwPlatform.NoDisplayMessage(
                    $"GLFW could not create a window with an OpenGL context: {GlfwPlatform.LastError()}"));
            return new GlfwWindow(handle);
        }
    }

    public override void MakeCurrent()
    {
        ThrowIfDisposed();
        GlfwNative.glfwMakeContextCurrent(Handle);
    }

    public override void ReleaseCurrent()
    {
        if (GlfwNative.glfwGetCurrentContext() == Handle) GlfwNative.glfwMakeContextCurrent(0);
    }

    /// <summary>Size of the window's framebuffer in pixels (differs from the window size on high-DPI screens).</summary>
    public (int Width, int Height) FramebufferSize
    {
        get
        {
            int w, h;
            GlfwNative.glfwGetFramebufferSize(Handle, &w, &h);
            return (w, h);
        }
    }

    /// <summary>Size of the window in screen coordinates.</summary>
    public (int Width, int Height) WindowSize
    {
        get
        {
            int w, h;
            GlfwNative.glfwGetWindowSize(Handle, &w, &h);
            return (w, h);
        }
    }

    /// <summary>Whether the user asked to close the window.</summary>
    public bool ShouldClose => GlfwNative.glfwWindowShouldClose(Handle) != 0;

    /// <summary>Shows the back buffer.</summary>
    public void SwapBuffers() => GlfwNative.glfwSwapBuffers(Handle);

    /// <summary>Processes pending window events, running the input callbacks.</summary>
    public static void PollEvents()
    {
        lock (GlfwPlatform.Sync) GlfwNative.glfwPollEvents();
    }

    protected override void Destroy()
    {
        ReleaseCurrent();
        lock (GlfwPlatform.Sync) GlfwNative.glfwDestroyWindow(Handle);
    }
}
