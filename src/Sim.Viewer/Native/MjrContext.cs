using System.Runtime.InteropServices;
using Sim.MuJoCo;

namespace Sim.Viewer.Native;

/// <summary>An mjrContext allocated natively: the OpenGL resources (offscreen framebuffer, meshes, textures, fonts)
/// MuJoCo uploads for one model into the OpenGL context current when it is made.</summary>
/// <remarks>Create, use and dispose it with its OpenGL context current.</remarks>
public sealed unsafe partial class MjrContext : IDisposable
{
    /// <summary>Uploads <paramref name="model"/>'s resources into the current OpenGL context, with fonts at <paramref name="fontScale"/> percent.</summary>
    public MjrContext(MjModel model, int fontScale = MjvNative.mjFONTSCALE_100)
    {
        ArgumentNullException.ThrowIfNull(model);
        Ptr = (nint)NativeMemory.AllocZeroed((nuint)MjvLayout.SizeOfContext);
        MjvNative.mjr_defaultContext(Ptr);
        MjvNative.mjr_makeContext(model.Ptr, Ptr, fontScale);
        GC.KeepAlive(model);
    }

    /// <summary>The raw mjrContext pointer, valid until disposal.</summary>
    public nint Ptr { get; private set; }

    /// <summary>Frees the OpenGL resources; the context they live in must be current.</summary>
    public void Dispose()
    {
        if (Ptr == 0) return;
        MjvNative.mjr_freeContext(Ptr);
        NativeMemory.Free((void*)Ptr);
        Ptr = 0;
    }
}
