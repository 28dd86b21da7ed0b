using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Runs torch on one thread in these tests: their tensors are tiny, and intra-op threads only contend with the
/// test runner's own.</summary>
internal static class SingleTorchThread
{
    [ModuleInitializer]
    internal static void Set() => set_num_threads(1);
}
