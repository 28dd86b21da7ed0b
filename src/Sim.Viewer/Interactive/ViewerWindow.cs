using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sim.Viewer.Gl;
using Sim.Viewer.Native;
using static Sim.Viewer.Native.GlfwNative;

namespace Sim.Viewer.Interactive;

/// <summary>A visible GLFW window that runs a <see cref="ViewerController"/>: forwards GLFW's key, mouse and scroll
/// callbacks to it, advances it by wall time, draws it into the window and swaps.</summary>
/// <remarks>Create, run and dispose the window on one thread; it may be any thread (the watcher of training runs it on its own).</remarks>
public sealed unsafe class ViewerWindow : IDisposable
{
    GCHandle _self;
    ViewerController? _controller;
    Exception? _callbackError;
    bool _disposed;

    ViewerWindow(GlfwWindow window)
    {
        Window = window;
        _self = GCHandle.Alloc(this);
        lock (GlfwPlatform.Sync)
        {
            glfwSetWindowUserPointer(window.Handle, GCHandle.ToIntPtr(_self));
            glfwSetKeyCallback(window.Handle, &OnKey);
            glfwSetMouseButtonCallback(window.Handle, &OnMouseButton);
            glfwSetCursorPosCallback(window.Handle, &OnCursor);
            glfwSetScrollCallback(window.Handle, &OnScroll);
        }
        window.MakeCurrent();
        glfwSwapInterval(1);
    }

    /// <summary>Opens a window of <paramref name="width"/> × <paramref name="height"/> screen units.</summary>
    /// <exception cref="RenderingUnavailableException">No display (the message says to use <c>xvfb-run -a</c>) or no OpenGL.</exception>
    public static ViewerWindow Open(string title, int width = 1200, int height = 800, Func<string, string?>? environment = null) =>
        new(GlfwWindow.Create(width, height, title, visible: true, environment));

    /// <summary>The GLFW window and its OpenGL context (make renderers on it).</summary>
    public GlfwWindow Window { get; }

    /// <summary>The controller driven; set before running.</summary>
    public ViewerController Controller
    {
        get => _controller ?? throw new InvalidOperationException("no controller is attached to the viewer window");
        set => _controller = value;
    }

    /// <summary>Draws frames until the window is closed, Escape is pressed or <paramref name="cancel"/> fires, at most
    /// <paramref name="maxFramesPerSecond"/> a second.</summary>
    public void Run(CancellationToken cancel = default, double maxFramesPerSecond = 60)
    {
        if (!(maxFramesPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(maxFramesPerSecond), maxFramesPerSecond, "expected a positive frame rate");
        var clock = Stopwatch.StartNew();
        double last = 0;
        while (!Window.ShouldClose && !Controller.CloseRequested && !cancel.IsCancellationRequested)
        {
            double now = clock.Elapsed.TotalSeconds;
            // A stall (a dragged window, a debugger) must not turn into a burst of steps afterwards.
            Frame(Math.Min(now - last, 0.25));
            last = now;
            // Swap intervals are not honoured everywhere (Xvfb), so the loop sleeps off the rest of each frame itself.
            double spare = 1 / maxFramesPerSecond - (clock.Elapsed.TotalSeconds - now);
            if (spare > 0.001) Thread.Sleep(TimeSpan.FromSeconds(spare));
        }
    }

    /// <summary>Draws <paramref name="frames"/> frames, advancing the controller by <paramref name="secondsPerFrame"/> before
    /// each, whatever the wall clock says (for tests and scripted captures).</summary>
    public void RunFrames(int frames, double secondsPerFrame = 1 / 60.0)
    {
        for (int i = 0; i < frames; i++) Frame(secondsPerFrame);
    }

    void Frame(double seconds)
    {
        GlfwWindow.PollEvents();
        if (_callbackError is { } error)
        {
            _callbackError = null;
            throw new InvalidOperationException($"the viewer failed while handling input: {error.Message}", error);
        }
        Controller.Advance(seconds);
        var (width, height) = Window.FramebufferSize;
        Controller.Draw(width, height, MjvNative.mjFB_WINDOW);
        Window.SwapBuffers();
    }

    static ViewerWindow? From(nint window)
    {
        nint pointer = glfwGetWindowUserPointer(window);
        return pointer == 0 ? null : GCHandle.FromIntPtr(pointer).Target as ViewerWindow;
    }

    // Exceptions must not unwind through GLFW's C frames: they are kept and rethrown by the frame loop.
    static void Dispatch(nint window, Action<ViewerWindow, ViewerController> action)
    {
        var self = From(window);
        if (self?._controller is not { } controller) return;
        try
        {
            action(self, controller);
        }
        catch (Exception e)
        {
            self._callbackError ??= e;
        }
    }

    (double X, double Y) CursorInFramebuffer(double x, double y)
    {
        var (fw, fh) = Window.FramebufferSize;
        var (ww, wh) = Window.WindowSize;
        return (ww > 0 ? x * fw / ww : x, wh > 0 ? y * fh / wh : y);
    }

    [UnmanagedCallersOnly]
    static void OnKey(nint window, int key, int scancode, int action, int mods)
    {
        if (action == GLFW_RELEASE) return;
        Dispatch(window, (_, c) => c.OnKey(key, mods));
    }

    [UnmanagedCallersOnly]
    static void OnMouseButton(nint window, int button, int action, int mods)
    {
        double cx, cy;
        glfwGetCursorPos(window, &cx, &cy);
        double x = cx, y = cy;
        Dispatch(window, (w, c) =>
        {
            var (fx, fy) = w.CursorInFramebuffer(x, y);
            c.OnMouseButton(button, action == GLFW_PRESS, fx, fy, mods);
        });
    }

    [UnmanagedCallersOnly]
    static void OnCursor(nint window, double x, double y) => Dispatch(window, (w, c) =>
    {
        var (fx, fy) = w.CursorInFramebuffer(x, y);
        c.OnCursor(fx, fy);
    });

    [UnmanagedCallersOnly]
    static void OnScroll(nint window, double x, double y) => Dispatch(window, (_, c) => c.OnScroll(y));

    /// <summary>Disposes the controller (ending a recording) and closes the window.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!Window.IsDisposed) Window.MakeCurrent();
            _controller?.Dispose();
        }
        finally
        {
            lock (GlfwPlatform.Sync) glfwSetWindowUserPointer(Window.Handle, 0);
            Window.Dispose();
            _self.Free();
        }
    }
}
