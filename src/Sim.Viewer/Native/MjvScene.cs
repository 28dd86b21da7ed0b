using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using Sim.MuJoCo;

namespace Sim.Viewer.Native;

/// <summary>An mjvScene allocated natively for one model: the list of abstract geoms and lights that mjr_render draws.</summary>
/// <remarks>Not thread-safe; use from the thread that renders it.</remarks>
public sealed unsafe partial class MjvScene : IDisposable
{
    /// <summary>Allocates a scene for <paramref name="model"/> with room for <paramref name="maxGeom"/> geoms (model and user geoms together).</summary>
    public MjvScene(MjModel model, int maxGeom)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (maxGeom < 1) throw new ArgumentOutOfRangeException(nameof(maxGeom), maxGeom, "expected room for at least one geom");
        Ptr = (nint)NativeMemory.AllocZeroed((nuint)MjvLayout.SizeOfScene);
        MjvNative.mjv_defaultScene(Ptr);
        MjvNative.mjv_makeScene(model.Ptr, Ptr, maxGeom);
        GC.KeepAlive(model);
    }

    /// <summary>The raw mjvScene pointer, valid until disposal.</summary>
    public nint Ptr { get; private set; }

    /// <summary>The geoms currently in the scene (<see cref="ngeom"/> of them).</summary>
    public Span<MjvGeom> Geoms => new((void*)geoms, ngeom);

    /// <summary>Appends a geom set up by <see cref="MjvNative.mjv_initGeom"/>-style defaults and returns it for editing,
    /// or throws when the scene is full (raise maxGeom).</summary>
    public ref MjvGeom AddGeom()
    {
        if (ngeom >= maxgeom)
            throw new InvalidOperationException($"the scene holds its maximum of {maxgeom} geoms: create the renderer with a larger maxGeom");
        ref var geom = ref ((MjvGeom*)geoms)[ngeom];
        MjvNative.mjv_initGeom((MjvGeom*)Unsafe.AsPointer(ref geom), 0, null, null, null, null);
        ngeom++;
        return ref geom;
    }

    /// <summary>Frees the scene's buffers.</summary>
    public void Dispose()
    {
        if (Ptr == 0) return;
        MjvNative.mjv_freeScene(Ptr);
        NativeMemory.Free((void*)Ptr);
        Ptr = 0;
    }
}
