using System.Reflection;
using System.Runtime.InteropServices;

namespace Sim.MuJoCo;

/// <summary>Finds libmujoco 2.2.2 for every assembly that imports it: the file named by <c>SIM_MUJOCO_LIBRARY</c> when
/// that is set, else Debian's sonames.</summary>
public static class MuJoCoLibrary
{
    /// <summary>The import name the bindings use.</summary>
    public const string ImportName = "mujoco";

    /// <summary>Environment variable naming a libmujoco 2.2.2 file (a path, or a soname for the loader to search) to use instead of Debian's.</summary>
    public const string PathVariable = "SIM_MUJOCO_LIBRARY";

    // Debian ships the versioned soname in libmujoco2.2.2 and the unversioned link only in -dev,
    // so try the exact ABI the bindings were generated against first.
    static readonly string[] Sonames = ["libmujoco.so.2.2.2", "libmujoco.so", "mujoco"];

    const string InstallHint = "Install it with `sudo apt-get install libmujoco-dev`, or run scripts/native-deps.sh.";

    /// <summary>Loads the library for <paramref name="assembly"/>'s imports.</summary>
    /// <exception cref="DllNotFoundException">Nothing loads; the message says what was tried and what to install.</exception>
    public static nint Load(Assembly assembly, DllImportSearchPath? searchPath)
    {
        string? overridePath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(overridePath))
        {
            if (NativeLibrary.TryLoad(overridePath, out var chosen)) return chosen;
            string problem = File.Exists(overridePath) ? "exists but does not load as a shared library"
                : overridePath.Contains('/') ? "does not exist"
                : "is not a soname the loader finds";
            throw new DllNotFoundException(
                $"{PathVariable} = '{overridePath}' {problem}: expected the path or soname of a libmujoco 2.2.2 shared library, " +
                $"or leave {PathVariable} unset to use the system's. {InstallHint}");
        }
        return SonameSearch.Load("MuJoCo 2.2.2", Sonames, assembly, searchPath,
            $"{InstallHint} A copy elsewhere can be named with {PathVariable}.");
    }
}
