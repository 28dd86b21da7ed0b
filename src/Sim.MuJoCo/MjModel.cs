using System.Runtime.InteropServices;
using System.Text;

namespace Sim.MuJoCo;

/// <summary>An owned, compiled MuJoCo model (mjModel*). Treat it as read-only while datas use it.</summary>
public sealed unsafe partial class MjModel : SafeHandle
{
    const int ErrorBufferSize = 1000;

    MjModel(nint ptr) : base(0, ownsHandle: true) => SetHandle(ptr);

    /// <summary>The raw mjModel pointer, valid while this object is alive and not disposed.</summary>
    public nint Ptr => handle;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        MjNative.mj_deleteModel(handle);
        return true;
    }

    /// <summary>Compiles an MJCF file; relative asset paths resolve against the file's folder.</summary>
    public static MjModel FromXmlFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"MJCF file '{path}' does not exist", path);
        MjNative.EnsureLoaded();
        var error = stackalloc byte[ErrorBufferSize];
        var name = Encoding.UTF8.GetBytes(Path.GetFullPath(path) + "\0");
        nint m;
        fixed (byte* pname = name) m = MjNative.mj_loadXML(pname, 0, error, ErrorBufferSize);
        return Checked(m, error, $"'{path}'");
    }

    /// <summary>Compiles MJCF text held in memory, through MuJoCo's virtual file system.</summary>
    public static MjModel FromXmlString(string xml, string virtualName = "model.xml")
    {
        ArgumentNullException.ThrowIfNull(xml);
        MjNative.EnsureLoaded();
        var bytes = Encoding.UTF8.GetBytes(xml);
        var nameBytes = Encoding.UTF8.GetBytes(virtualName + "\0");
        // mjVFS is about 2 MB (fixed name table), too big for the stack.
        nint vfs = (nint)NativeMemory.AllocZeroed((nuint)MjLayout.SizeOfVfs);
        try
        {
            MjNative.mj_defaultVFS(vfs);
            fixed (byte* pname = nameBytes)
            {
                int status = MjNative.mj_makeEmptyFileVFS(vfs, pname, bytes.Length);
                if (status != 0)
                    throw new MuJoCoException($"could not create virtual file '{virtualName}' (mj_makeEmptyFileVFS returned {status})");
                // The file just added is the last one: nfile is the struct's first int.
                int index = *(int*)vfs - 1;
                byte* data = *(byte**)(vfs + MjLayout.VfsFileDataOffset + index * sizeof(nint));
                bytes.AsSpan().CopyTo(new Span<byte>(data, bytes.Length));
                var error = stackalloc byte[ErrorBufferSize];
                nint m = MjNative.mj_loadXML(pname, vfs, error, ErrorBufferSize);
                return Checked(m, error, "MJCF string");
            }
        }
        finally
        {
            MjNative.mj_deleteVFS(vfs);
            NativeMemory.Free((void*)vfs);
        }
    }

    static MjModel Checked(nint m, byte* error, string source)
    {
        if (m != 0) return new MjModel(m);
        var text = Marshal.PtrToStringUTF8((nint)error)?.Trim();
        throw new MuJoCoException($"MuJoCo could not load {source}: {(string.IsNullOrEmpty(text) ? "unknown error" : text)}");
    }

    /// <summary>Writes the MJCF of the most recently loaded model (MuJoCo keeps only that one) with this model's
    /// current values to <paramref name="path"/>; used to hand an env's exact model to external tools.</summary>
    public void SaveLastLoadedXml(string path)
    {
        var error = stackalloc byte[ErrorBufferSize];
        var name = Encoding.UTF8.GetBytes(Path.GetFullPath(path) + "\0");
        int ok;
        fixed (byte* pname = name) ok = MjNative.mj_saveLastXML(pname, handle, error, ErrorBufferSize);
        GC.KeepAlive(this);
        if (ok == 0)
            throw new MuJoCoException($"MuJoCo could not save the model to '{path}': {Marshal.PtrToStringUTF8((nint)error)?.Trim()}");
    }

    /// <summary>The id of a named object, or an exception listing what was expected.</summary>
    public int NameToId(MjObject type, string name)
    {
        int id = TryNameToId(type, name);
        if (id < 0) throw new MuJoCoException($"no {type.ToString().ToLowerInvariant()} named '{name}' in the model");
        return id;
    }

    /// <summary>The id of a named object, or -1 when there is none.</summary>
    public int TryNameToId(MjObject type, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes)
        {
            int id = MjNative.mj_name2id(handle, (int)type, p);
            GC.KeepAlive(this);
            return id;
        }
    }

    /// <summary>The name of an object by id, or null when it has none.</summary>
    public string? IdToName(MjObject type, int id)
    {
        var p = MjNative.mj_id2name(handle, (int)type, id);
        GC.KeepAlive(this);
        return p == 0 ? null : Marshal.PtrToStringUTF8(p);
    }

    /// <summary>Simulation timestep in seconds (opt.timestep).</summary>
    public double Timestep => opt_timestep;
}
