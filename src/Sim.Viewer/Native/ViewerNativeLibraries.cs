using System.Reflection;
using System.Runtime.InteropServices;
using Sim.MuJoCo;

namespace Sim.Viewer.Native;

/// <summary>Resolves the native libraries this assembly imports (MuJoCo, GLFW, EGL) to the sonames Debian installs.</summary>
internal static class ViewerNativeLibraries
{
    static int _registered;

    /// <summary>Installs the resolver once; every class with imports calls this from its static constructor.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(ViewerNativeLibraries).Assembly, Resolve);
    }

    static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        switch (name)
        {
            case GlfwNative.Library: return GlfwNative.Resolve(name, assembly, path);
            case EglNative.Library: return EglNative.Resolve(name, assembly, path);
            case MuJoCoLibrary.ImportName: return MuJoCoLibrary.Load(assembly, path);
            default: return 0;
        }
    }
}
