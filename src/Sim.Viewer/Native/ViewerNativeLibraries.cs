using System.Reflection;
using System.Runtime.InteropServices;

namespace Sim.Viewer.Native;

/// <summary>Resolves the native libraries this assembly imports (MuJoCo, GLFW, EGL) to the sonames Debian installs.</summary>
internal static class ViewerNativeLibraries
{
    static int _registered;

    static readonly string[] MuJoCoCandidates = ["libmujoco.so.2.2.2", "libmujoco.so", "mujoco"];

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
            case "mujoco":
                foreach (var candidate in MuJoCoCandidates)
                    if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
                throw new DllNotFoundException("MuJoCo 2.2.2 was not found: install it with `sudo apt-get install libmujoco-dev`, or run scripts/native-deps.sh.");
            default: return 0;
        }
    }
}
