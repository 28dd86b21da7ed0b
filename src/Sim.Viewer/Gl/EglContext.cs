using System.Runtime.InteropServices;
using System.Text;
using Sim.Viewer.Native;

namespace Sim.Viewer.Gl;

/// <summary>An OpenGL context from EGL with no window system: Mesa's surfaceless platform (llvmpipe on CPU or a render
/// node), a GPU's EGL device, or the default display. MuJoCo renders into its own offscreen framebuffer, so no surface is needed.</summary>
public sealed unsafe class EglContext : GlContext
{
    static readonly Lock Sync = new();
    static nint _display;
    static string? _failure;

    readonly nint _context;

    EglContext(nint context) => _context = context;

    public override GlBackend Backend => GlBackend.Egl;

    /// <summary>Creates a context on the shared EGL display (initialised once per process).</summary>
    public static EglContext Create()
    {
        nint display = Display();
        int* configAttributes = stackalloc int[]
        {
            EglNative.EGL_RED_SIZE, 8, EglNative.EGL_GREEN_SIZE, 8, EglNative.EGL_BLUE_SIZE, 8, EglNative.EGL_ALPHA_SIZE, 8,
            EglNative.EGL_DEPTH_SIZE, 24, EglNative.EGL_STENCIL_SIZE, 8,
            EglNative.EGL_RENDERABLE_TYPE, EglNative.EGL_OPENGL_BIT,
            // Surfaceless displays offer no window configs; MuJoCo draws into its own framebuffer object anyway.
            EglNative.EGL_SURFACE_TYPE, EglNative.EGL_PBUFFER_BIT, EglNative.EGL_NONE,
        };
        nint config;
        int count;
        if (EglNative.eglChooseConfig(display, configAttributes, &config, 1, &count) == 0 || count < 1)
            throw new RenderingUnavailableException($"EGL has no RGBA8 + depth24/stencil8 OpenGL config (EGL error 0x{EglNative.eglGetError():X})");
        if (EglNative.eglBindAPI(EglNative.EGL_OPENGL_API) == 0)
            throw new RenderingUnavailableException($"EGL cannot bind the desktop OpenGL API (EGL error 0x{EglNative.eglGetError():X})");
        nint context = EglNative.eglCreateContext(display, config, 0, null);
        if (context == 0)
            throw new RenderingUnavailableException($"EGL could not create an OpenGL context (EGL error 0x{EglNative.eglGetError():X})");
        return new EglContext(context);
    }

    static nint Display()
    {
        lock (Sync)
        {
            if (_display != 0) return _display;
            if (_failure != null) throw new RenderingUnavailableException(_failure);
            try
            {
                _display = OpenDisplay();
                return _display;
            }
            catch (DllNotFoundException e)
            {
                _failure = e.Message;
                throw new RenderingUnavailableException(_failure, e);
            }
            catch (RenderingUnavailableException e)
            {
                _failure = e.Message;
                throw;
            }
        }
    }

    static nint OpenDisplay()
    {
        string clientExtensions = Marshal.PtrToStringUTF8(EglNative.eglQueryString(0, EglNative.EGL_EXTENSIONS)) ?? "";
        var getPlatformDisplay = (delegate* unmanaged<int, nint, int*, nint>)ProcAddress("eglGetPlatformDisplayEXT");
        nint display = 0;
        if (getPlatformDisplay != null && clientExtensions.Contains("EGL_MESA_platform_surfaceless", StringComparison.Ordinal))
            display = TryInitialize(getPlatformDisplay(EglNative.EGL_PLATFORM_SURFACELESS_MESA, 0, null));
        if (display == 0 && getPlatformDisplay != null && clientExtensions.Contains("EGL_EXT_platform_device", StringComparison.Ordinal))
        {
            // A GPU driver without Mesa (NVIDIA) offers its devices instead.
            var queryDevices = (delegate* unmanaged<int, nint*, int*, int>)ProcAddress("eglQueryDevicesEXT");
            nint device;
            int count;
            if (queryDevices != null && queryDevices(1, &device, &count) != 0 && count > 0)
                display = TryInitialize(getPlatformDisplay(EglNative.EGL_PLATFORM_DEVICE_EXT, device, null));
        }
        if (display == 0) display = TryInitialize(EglNative.eglGetDisplay(0));
        if (display == 0)
            throw new RenderingUnavailableException(
                $"EGL has no usable display (client extensions: {(clientExtensions.Length == 0 ? "none" : clientExtensions)}); " +
                "install Mesa's EGL (`sudo apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri`) or render through GLFW under `xvfb-run -a`");
        return display;
    }

    static nint TryInitialize(nint display)
    {
        if (display == 0) return 0;
        int major, minor;
        return EglNative.eglInitialize(display, &major, &minor) != 0 ? display : 0;
    }

    static nint ProcAddress(string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* p = bytes) return EglNative.eglGetProcAddress(p);
    }

    public override void MakeCurrent()
    {
        ThrowIfDisposed();
        if (EglNative.eglMakeCurrent(_display, 0, 0, _context) == 0)
            throw new InvalidOperationException($"eglMakeCurrent failed (EGL error 0x{EglNative.eglGetError():X})");
    }

    public override void ReleaseCurrent() => EglNative.eglMakeCurrent(_display, 0, 0, 0);

    protected override void Destroy()
    {
        ReleaseCurrent();
        EglNative.eglDestroyContext(_display, _context);
    }
}
