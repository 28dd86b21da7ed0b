using System.Runtime.InteropServices;

namespace Sim.MuJoCo;

/// <summary>An owned simulation state (mjData*) bound to the <see cref="MjModel"/> it was made from.</summary>
public sealed unsafe partial class MjData : SafeHandle
{
    /// <summary>Creates a data for <paramref name="model"/>, reset to the model's default pose.</summary>
    public MjData(MjModel model) : base(0, ownsHandle: true)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        nint d = MjNative.mj_makeData(model.Ptr);
        if (d == 0) throw new MuJoCoException("mj_makeData failed: out of memory for the model's data buffers");
        SetHandle(d);
        // The GC cannot see mjData's native buffers (megabytes each with the default stack), so tell
        // it; otherwise abandoned datas pile up for gigabytes before a collection runs their finalizers.
        _nativeBytes = Math.Max(1, (long)nstack * sizeof(double) + nbuffer);
        GC.AddMemoryPressure(_nativeBytes);
        Interlocked.Increment(ref _live);
    }

    static int _live;
    readonly long _nativeBytes;

    /// <summary>Number of datas created and not yet released, for leak diagnostics.</summary>
    public static int LiveCount => Volatile.Read(ref _live);


    /// <summary>The model this data belongs to; array sizes come from it.</summary>
    public MjModel Model { get; }

    /// <summary>The raw mjData pointer, valid while this object is alive and not disposed.</summary>
    public nint Ptr => handle;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        MjNative.mj_deleteData(handle);
        GC.RemoveMemoryPressure(_nativeBytes);
        Interlocked.Decrement(ref _live);
        return true;
    }

    /// <summary>Advances the simulation by one timestep (mj_step).</summary>
    public void Step()
    {
        MjNative.mj_step(Model.Ptr, handle);
        GC.KeepAlive(this);
    }

    /// <summary>Computes positions, velocities and accelerations without integrating (mj_forward).</summary>
    public void Forward()
    {
        MjNative.mj_forward(Model.Ptr, handle);
        GC.KeepAlive(this);
    }

    /// <summary>Resets to the model's default state (mj_resetData).</summary>
    public void Reset()
    {
        MjNative.mj_resetData(Model.Ptr, handle);
        GC.KeepAlive(this);
    }

    /// <summary>How many times MuJoCo has raised <paramref name="warning"/> on this data since its last reset.</summary>
    public int WarningCount(MjWarning warning)
    {
        if ((uint)warning >= MjLayout.WarningCount) throw new ArgumentOutOfRangeException(nameof(warning), warning, "not a MuJoCo warning kind");
        // mjWarningStat is {int lastinfo; int number;}
        return *(int*)(Ptr + WarningOffset + (int)warning * 8 + 4);
    }

    /// <summary>Copies the whole state of <paramref name="source"/> (same model) into this data.</summary>
    public void CopyFrom(MjData source)
    {
        if (source.Model != Model) throw new ArgumentException("source data belongs to a different model", nameof(source));
        MjNative.mj_copyData(handle, Model.Ptr, source.Ptr);
        GC.KeepAlive(source);
        GC.KeepAlive(this);
    }
}
