using System.Runtime.InteropServices;

namespace Sim.Viewer.Native;

/// <summary>Puts the calling thread at the lowest CPU priority (nice 19), so rendering beside training uses only the CPU
/// time training leaves over.</summary>
/// <remarks>On Linux a thread's nice value is its own and is inherited by the threads and processes it starts, so Mesa's
/// rasteriser threads and the ffmpeg encoders started from a lowered thread are lowered too, while the rest of the
/// process keeps its priority. Elsewhere this does nothing.</remarks>
public static class LowestCpuPriority
{
    const int PrioProcess = 0;
    const int Lowest = 19;

    [DllImport("libc", SetLastError = true)]
    static extern int gettid();

    [DllImport("libc", SetLastError = true)]
    static extern int setpriority(int which, int who, int priority);

    /// <summary>Lowers the calling thread; true when the priority was changed.</summary>
    public static bool ApplyToCurrentThread()
    {
        if (!OperatingSystem.IsLinux()) return false;
        // With PRIO_PROCESS, setpriority takes a thread id on Linux and changes that one thread only.
        return setpriority(PrioProcess, gettid(), Lowest) == 0;
    }
}
