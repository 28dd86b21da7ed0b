using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sim.MuJoCo;

/// <summary>Routes MuJoCo's global warning and error callbacks into .NET.</summary>
/// <remarks>
/// By default MuJoCo prints warnings to stdout and calls exit() on errors. Warnings are also counted
/// per mjData (see <see cref="MjData.WarningCount"/>), which is what environments use to detect
/// divergence; the global hook only makes them visible. A MuJoCo error means its internal state is
/// unusable (e.g. its stack overflowed), and an exception cannot unwind through native frames, so
/// the process stops with MuJoCo's message instead of an anonymous exit code.
/// </remarks>
public static unsafe class MjMessages
{
    static int _installed;

    /// <summary>Raised on every MuJoCo warning message, from the thread that caused it.</summary>
    public static event Action<string>? Warning;

    /// <summary>Whether warnings with no subscriber are written to stderr.</summary>
    public static bool EchoToStderr { get; set; } = true;

    internal static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        var lib = NativeLibrary.Load(MjNative.Library, typeof(MjNative).Assembly, null);
        *(delegate* unmanaged[Cdecl]<byte*, void>*)NativeLibrary.GetExport(lib, "mju_user_warning") = &OnWarning;
        *(delegate* unmanaged[Cdecl]<byte*, void>*)NativeLibrary.GetExport(lib, "mju_user_error") = &OnError;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnWarning(byte* message)
    {
        var text = Marshal.PtrToStringUTF8((nint)message) ?? "";
        var handler = Warning;
        try
        {
            if (handler != null) handler(text);
            else if (EchoToStderr) Console.Error.WriteLine("MuJoCo warning: " + text);
        }
        catch (Exception e)
        {
            // An exception must not cross back into MuJoCo's frames; report it and keep simulating.
            Console.Error.WriteLine($"MuJoCo warning handler failed on '{text}': {e.Message}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnError(byte* message) =>
        Environment.FailFast("MuJoCo error: " + (Marshal.PtrToStringUTF8((nint)message) ?? "(no message)"));
}
