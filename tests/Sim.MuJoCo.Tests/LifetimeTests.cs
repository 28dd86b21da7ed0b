using System.Diagnostics;

namespace Sim.MuJoCo.Tests;

/// <summary>Memory tests count process-wide quantities, so nothing else may run beside them.</summary>
[CollectionDefinition(nameof(LifetimeTests), DisableParallelization = true)]
public class LifetimeCollection;

[Collection(nameof(LifetimeTests))]
public class LifetimeTests
{
    [Fact]
    public void Creating_and_disposing_ten_thousand_datas_keeps_memory_bounded()
    {
        using var model = MjModel.FromXmlString(Models.FreeFall);
        long bytesPerData;
        using (var probe = new MjData(model)) bytesPerData = probe.Model.nstack * 8L;

        for (int i = 0; i < 100; i++) new MjData(model).Dispose(); // warm up allocator arenas
        long before = ResidentBytes();
        for (int i = 0; i < 10_000; i++)
        {
            using var data = new MjData(model);
            data.Step();
        }
        long growth = ResidentBytes() - before;
        // A leak of every data would grow by 10,000 × the data's stack alone; allow the size of 20 datas.
        Assert.True(bytesPerData > 0);
        Assert.True(growth < 20 * bytesPerData + 8_000_000,
            $"resident memory grew by {growth / 1e6:F1} MB over 10,000 datas of {bytesPerData / 1e3:F0} kB stack each");
    }

    [Fact]
    public void Finalizer_frees_datas_that_were_not_disposed()
    {
        using var model = MjModel.FromXmlString(Models.FreeFall);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int before = MjData.LiveCount;
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static void Abandon(MjModel m) { for (int i = 0; i < 200; i++) _ = new MjData(m); }
        Abandon(model);
        Assert.True(MjData.LiveCount >= before); // other tests may run in parallel; none of ours is freed yet or some are
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(MjData.LiveCount <= before, $"{MjData.LiveCount - before} abandoned datas were not released by their finalizers");
    }

    static long ResidentBytes()
    {
        // VmRSS counts native (malloc) memory, which the GC's counters do not see.
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return Process.GetCurrentProcess().WorkingSet64;
    }
}
