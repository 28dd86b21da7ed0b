using System.Reflection;
using System.Runtime.InteropServices;

namespace Sim.MuJoCo;

/// <summary>Raw P/Invoke entry points of libmujoco 2.2.2, under MuJoCo's own names.</summary>
/// <remarks>
/// Pointers are passed as <see cref="nint"/> rather than SafeHandles: the hot loop calls mj_step
/// hundreds of thousands of times per second and the owning <see cref="MjModel"/>/<see cref="MjData"/>
/// objects keep the memory alive.
/// </remarks>
public static unsafe partial class MjNative
{
    internal const string Library = MuJoCoLibrary.ImportName;

    static MjNative() => NativeLibrary.SetDllImportResolver(typeof(MjNative).Assembly, Resolve);

    static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == Library ? MuJoCoLibrary.Load(assembly, path) : 0;

    /// <summary>Forces the library to load and checks it is the version the bindings were generated for.</summary>
    public static void EnsureLoaded()
    {
        int version = mj_version();
        if (version != MjLayout.Version)
            throw new MuJoCoException(
                $"libmujoco reports version {version}, but the bindings were generated for {MjLayout.Version}; " +
                "regenerate them with tools/bindgen/generate.sh");
        MjMessages.Install();
    }

    [DllImport(Library)] public static extern int mj_version();
    [DllImport(Library)] public static extern nint mj_versionString();
    [DllImport(Library)] public static extern nint mj_loadXML(byte* filename, nint vfs, byte* error, int errorSize);
    [DllImport(Library)] public static extern void mj_defaultVFS(nint vfs);
    [DllImport(Library)] public static extern int mj_makeEmptyFileVFS(nint vfs, byte* filename, int filesize);
    [DllImport(Library)] public static extern void mj_deleteVFS(nint vfs);
    [DllImport(Library)] public static extern void mj_deleteModel(nint m);
    [DllImport(Library)] public static extern nint mj_makeData(nint m);
    [DllImport(Library)] public static extern void mj_deleteData(nint d);
    [DllImport(Library)] public static extern nint mj_copyData(nint dest, nint m, nint src);
    [DllImport(Library)] public static extern void mj_resetData(nint m, nint d);
    [DllImport(Library)] public static extern void mj_resetDataKeyframe(nint m, nint d, int key);
    [DllImport(Library)] public static extern void mj_step(nint m, nint d);
    [DllImport(Library)] public static extern void mj_step1(nint m, nint d);
    [DllImport(Library)] public static extern void mj_step2(nint m, nint d);
    [DllImport(Library)] public static extern void mj_forward(nint m, nint d);
    [DllImport(Library)] public static extern void mj_kinematics(nint m, nint d);
    [DllImport(Library)] public static extern void mj_rnePostConstraint(nint m, nint d);
    [DllImport(Library)] public static extern int mj_name2id(nint m, int type, byte* name);
    [DllImport(Library)] public static extern nint mj_id2name(nint m, int type, int id);
    [DllImport(Library)] public static extern int mj_sizeModel(nint m);
    [DllImport(Library)] public static extern int mj_saveLastXML(byte* filename, nint m, byte* error, int errorSize);
}
