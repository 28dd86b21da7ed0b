using System.Reflection;
using System.Runtime.InteropServices;
using Sim.MuJoCo;

namespace Sim.Viewer.Native;

/// <summary>Raw P/Invoke entry points of GLFW 3.3 (Debian's libglfw3), under GLFW's own names; only what the viewer uses.</summary>
/// <remarks>
/// GLFW is not thread-safe: glfwInit, window creation and destruction, and event polling belong on one thread at a
/// time. <see cref="GlfwPlatform"/> serialises them; making a context current is allowed from any thread.
/// Callbacks are unmanaged function pointers, so a caller passes <c>&amp;Method</c> of an
/// <see cref="UnmanagedCallersOnlyAttribute"/> static method and nothing needs to be kept alive.
/// </remarks>
public static unsafe class GlfwNative
{
    static GlfwNative() => ViewerNativeLibraries.Register();

    internal const string Library = "glfw";

    // Debian's runtime package ships only the versioned soname; the unversioned link comes with -dev.
    static readonly string[] Candidates = ["libglfw.so.3", "libglfw.so", "glfw"];

    internal static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        SonameSearch.Load("GLFW 3.3", Candidates, assembly, path,
            "Install it with `sudo apt-get install libglfw3`, or run scripts/native-deps.sh viewer.");

    public const int GLFW_TRUE = 1;
    public const int GLFW_FALSE = 0;
    public const int GLFW_RELEASE = 0;
    public const int GLFW_PRESS = 1;
    public const int GLFW_REPEAT = 2;

    public const int GLFW_FOCUSED = 0x00020001;
    public const int GLFW_RESIZABLE = 0x00020003;
    public const int GLFW_VISIBLE = 0x00020004;
    public const int GLFW_DECORATED = 0x00020005;
    public const int GLFW_SAMPLES = 0x0002100D;
    public const int GLFW_DOUBLEBUFFER = 0x00021010;
    public const int GLFW_CONTEXT_VERSION_MAJOR = 0x00022002;
    public const int GLFW_CONTEXT_VERSION_MINOR = 0x00022003;

    public const int GLFW_MOUSE_BUTTON_LEFT = 0;
    public const int GLFW_MOUSE_BUTTON_RIGHT = 1;
    public const int GLFW_MOUSE_BUTTON_MIDDLE = 2;
    public const int GLFW_MOD_SHIFT = 0x0001;
    public const int GLFW_MOD_CONTROL = 0x0002;
    public const int GLFW_MOD_ALT = 0x0004;

    public const int GLFW_KEY_SPACE = 32;
    public const int GLFW_KEY_ESCAPE = 256;
    public const int GLFW_KEY_ENTER = 257;
    public const int GLFW_KEY_TAB = 258;
    public const int GLFW_KEY_BACKSPACE = 259;
    public const int GLFW_KEY_RIGHT = 262;
    public const int GLFW_KEY_LEFT = 263;
    public const int GLFW_KEY_DOWN = 264;
    public const int GLFW_KEY_UP = 265;
    public const int GLFW_KEY_PAGE_UP = 266;
    public const int GLFW_KEY_PAGE_DOWN = 267;
    public const int GLFW_KEY_HOME = 268;
    public const int GLFW_KEY_END = 269;
    public const int GLFW_KEY_F1 = 290;
    public const int GLFW_KEY_F2 = 291;
    public const int GLFW_KEY_MINUS = 45;
    public const int GLFW_KEY_EQUAL = 61;
    public const int GLFW_KEY_LEFT_BRACKET = 91;
    public const int GLFW_KEY_RIGHT_BRACKET = 93;
    public const int GLFW_KEY_KP_SUBTRACT = 333;
    public const int GLFW_KEY_KP_ADD = 334;
    /// <summary>Letter keys are their upper-case ASCII codes: GLFW_KEY_A + (letter - 'A').</summary>
    public const int GLFW_KEY_A = 65;
    public const int GLFW_KEY_LEFT_SHIFT = 340;
    public const int GLFW_KEY_RIGHT_SHIFT = 344;

    [DllImport(Library)] public static extern int glfwInit();
    [DllImport(Library)] public static extern void glfwTerminate();
    [DllImport(Library)] public static extern int glfwGetError(byte** description);
    [DllImport(Library)] public static extern nint glfwSetErrorCallback(delegate* unmanaged<int, byte*, void> callback);
    [DllImport(Library)] public static extern void glfwDefaultWindowHints();
    [DllImport(Library)] public static extern void glfwWindowHint(int hint, int value);
    [DllImport(Library)] public static extern nint glfwCreateWindow(int width, int height, byte* title, nint monitor, nint share);
    [DllImport(Library)] public static extern void glfwDestroyWindow(nint window);
    [DllImport(Library)] public static extern void glfwMakeContextCurrent(nint window);
    [DllImport(Library)] public static extern nint glfwGetCurrentContext();
    [DllImport(Library)] public static extern void glfwSwapBuffers(nint window);
    [DllImport(Library)] public static extern void glfwSwapInterval(int interval);
    [DllImport(Library)] public static extern void glfwPollEvents();
    [DllImport(Library)] public static extern void glfwWaitEventsTimeout(double timeout);
    [DllImport(Library)] public static extern int glfwWindowShouldClose(nint window);
    [DllImport(Library)] public static extern void glfwSetWindowShouldClose(nint window, int value);
    [DllImport(Library)] public static extern void glfwSetWindowTitle(nint window, byte* title);
    [DllImport(Library)] public static extern void glfwShowWindow(nint window);
    [DllImport(Library)] public static extern void glfwHideWindow(nint window);
    [DllImport(Library)] public static extern void glfwGetWindowSize(nint window, int* width, int* height);
    [DllImport(Library)] public static extern void glfwGetFramebufferSize(nint window, int* width, int* height);
    [DllImport(Library)] public static extern void glfwGetCursorPos(nint window, double* x, double* y);
    [DllImport(Library)] public static extern int glfwGetKey(nint window, int key);
    [DllImport(Library)] public static extern int glfwGetMouseButton(nint window, int button);
    [DllImport(Library)] public static extern double glfwGetTime();
    [DllImport(Library)] public static extern void glfwSetWindowUserPointer(nint window, nint pointer);
    [DllImport(Library)] public static extern nint glfwGetWindowUserPointer(nint window);

    /// <summary>Key callback: (window, key, scancode, action, mods).</summary>
    [DllImport(Library)] public static extern nint glfwSetKeyCallback(nint window, delegate* unmanaged<nint, int, int, int, int, void> callback);
    /// <summary>Mouse button callback: (window, button, action, mods).</summary>
    [DllImport(Library)] public static extern nint glfwSetMouseButtonCallback(nint window, delegate* unmanaged<nint, int, int, int, void> callback);
    /// <summary>Cursor position callback: (window, x, y) in screen coordinates.</summary>
    [DllImport(Library)] public static extern nint glfwSetCursorPosCallback(nint window, delegate* unmanaged<nint, double, double, void> callback);
    /// <summary>Scroll callback: (window, xoffset, yoffset).</summary>
    [DllImport(Library)] public static extern nint glfwSetScrollCallback(nint window, delegate* unmanaged<nint, double, double, void> callback);
    /// <summary>Window size callback: (window, width, height) in screen coordinates.</summary>
    [DllImport(Library)] public static extern nint glfwSetWindowSizeCallback(nint window, delegate* unmanaged<nint, int, int, void> callback);
    /// <summary>Framebuffer size callback: (window, width, height) in pixels.</summary>
    [DllImport(Library)] public static extern nint glfwSetFramebufferSizeCallback(nint window, delegate* unmanaged<nint, int, int, void> callback);
}
