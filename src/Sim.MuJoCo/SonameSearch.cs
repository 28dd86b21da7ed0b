using System.Reflection;
using System.Runtime.InteropServices;

namespace Sim.MuJoCo;

/// <summary>Loads a native library by trying its sonames in order, for the import resolvers of MuJoCo and the viewer's
/// GLFW and EGL; when none loads, the error lists what was tried and how to install it.</summary>
public static class SonameSearch
{
    /// <summary>The first of <paramref name="sonames"/> that loads for <paramref name="assembly"/>'s imports.</summary>
    /// <param name="library">The library's name in the error, e.g. "GLFW 3.3".</param>
    /// <param name="sonames">Names to try, most specific (the versioned soname) first.</param>
    /// <param name="assembly">The importing assembly.</param>
    /// <param name="searchPath">The import's search path.</param>
    /// <param name="installHint">Sentence(s) appended to the error saying how to get the library.</param>
    /// <exception cref="DllNotFoundException">None of <paramref name="sonames"/> loads.</exception>
    public static nint Load(string library, IReadOnlyList<string> sonames, Assembly assembly, DllImportSearchPath? searchPath, string installHint)
    {
        foreach (var soname in sonames)
            if (NativeLibrary.TryLoad(soname, assembly, searchPath, out var handle)) return handle;
        throw new DllNotFoundException($"{library} was not found (tried {string.Join(", ", sonames)}). {installHint}");
    }
}
