using System.Reflection;
using System.Runtime.InteropServices;
using Sim.MuJoCo;

namespace Sim.Viewer.Native;

/// <summary>Raw P/Invoke entry points of EGL 1.5 (libEGL through GLVND), for OpenGL contexts without a display server.</summary>
public static unsafe class EglNative
{
    static EglNative() => ViewerNativeLibraries.Register();

    internal const string Library = "egl";

    static readonly string[] Candidates = ["libEGL.so.1", "libEGL.so", "EGL"];

    internal static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        SonameSearch.Load("EGL", Candidates, assembly, path,
            "Install it with `sudo apt-get install libegl1 libgl1-mesa-dri`, or render through GLFW under Xvfb.");

    public const int EGL_SUCCESS = 0x3000;
    public const int EGL_NONE = 0x3038;
    public const int EGL_EXTENSIONS = 0x3055;
    public const int EGL_VENDOR = 0x3053;
    public const int EGL_RED_SIZE = 0x3024;
    public const int EGL_GREEN_SIZE = 0x3023;
    public const int EGL_BLUE_SIZE = 0x3022;
    public const int EGL_ALPHA_SIZE = 0x3021;
    public const int EGL_DEPTH_SIZE = 0x3025;
    public const int EGL_STENCIL_SIZE = 0x3026;
    public const int EGL_SURFACE_TYPE = 0x3033;
    public const int EGL_PBUFFER_BIT = 0x0001;
    public const int EGL_RENDERABLE_TYPE = 0x3040;
    public const int EGL_OPENGL_BIT = 0x0008;
    public const int EGL_OPENGL_API = 0x30A2;
    public const int EGL_PLATFORM_SURFACELESS_MESA = 0x31DD;
    public const int EGL_PLATFORM_DEVICE_EXT = 0x313F;

    [DllImport(Library)] public static extern nint eglGetProcAddress(byte* name);
    [DllImport(Library)] public static extern nint eglQueryString(nint display, int name);
    [DllImport(Library)] public static extern nint eglGetDisplay(nint nativeDisplay);
    [DllImport(Library)] public static extern int eglInitialize(nint display, int* major, int* minor);
    [DllImport(Library)] public static extern int eglTerminate(nint display);
    [DllImport(Library)] public static extern int eglChooseConfig(nint display, int* attributes, nint* configs, int configSize, int* count);
    [DllImport(Library)] public static extern int eglBindAPI(int api);
    [DllImport(Library)] public static extern nint eglCreateContext(nint display, nint config, nint shareContext, int* attributes);
    [DllImport(Library)] public static extern int eglDestroyContext(nint display, nint context);
    [DllImport(Library)] public static extern int eglMakeCurrent(nint display, nint draw, nint read, nint context);
    [DllImport(Library)] public static extern int eglGetError();
    [DllImport(Library)] public static extern int eglReleaseThread();
}
