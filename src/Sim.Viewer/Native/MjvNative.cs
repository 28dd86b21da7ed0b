using System.Runtime.InteropServices;

namespace Sim.Viewer.Native;

/// <summary>Raw P/Invoke entry points of MuJoCo 2.2.2's visualisation (mjv_*) and OpenGL rendering (mjr_*), under MuJoCo's own names.</summary>
/// <remarks>Every mjr_* call needs the OpenGL context it was made in to be current on the calling thread.</remarks>
public static unsafe class MjvNative
{
    static MjvNative() => ViewerNativeLibraries.Register();

    // The same library, found the same way, as Sim.MuJoCo's bindings.
    const string Library = Sim.MuJoCo.MuJoCoLibrary.ImportName;

    public const int mjCAT_STATIC = 1;
    public const int mjCAT_DYNAMIC = 2;
    public const int mjCAT_DECOR = 4;
    public const int mjCAT_ALL = 7;
    public const int mjFB_WINDOW = 0;
    public const int mjFB_OFFSCREEN = 1;
    public const int mjFONTSCALE_100 = 100;
    public const int mjFONTSCALE_150 = 150;
    public const int mjFONTSCALE_200 = 200;

    [DllImport(Library)] public static extern void mjv_defaultCamera(MjvCamera* cam);
    [DllImport(Library)] public static extern void mjv_defaultFreeCamera(nint m, MjvCamera* cam);
    [DllImport(Library)] public static extern void mjv_defaultOption(MjvOption* opt);
    [DllImport(Library)] public static extern void mjv_defaultPerturb(MjvPerturb* pert);
    [DllImport(Library)] public static extern void mjv_defaultScene(nint scn);
    [DllImport(Library)] public static extern void mjv_makeScene(nint m, nint scn, int maxgeom);
    [DllImport(Library)] public static extern void mjv_freeScene(nint scn);
    [DllImport(Library)] public static extern void mjv_updateScene(nint m, nint d, MjvOption* opt, MjvPerturb* pert, MjvCamera* cam, int catmask, nint scn);
    [DllImport(Library)] public static extern void mjv_moveCamera(nint m, int action, double reldx, double reldy, nint scn, MjvCamera* cam);
    [DllImport(Library)] public static extern void mjv_movePerturb(nint m, nint d, int action, double reldx, double reldy, nint scn, MjvPerturb* pert);
    [DllImport(Library)] public static extern void mjv_initPerturb(nint m, nint d, nint scn, MjvPerturb* pert);
    [DllImport(Library)] public static extern void mjv_applyPerturbPose(nint m, nint d, MjvPerturb* pert, int flg_paused);
    [DllImport(Library)] public static extern void mjv_applyPerturbForce(nint m, nint d, MjvPerturb* pert);
    [DllImport(Library)] public static extern int mjv_select(nint m, nint d, MjvOption* vopt, double aspectratio, double relx, double rely,
        nint scn, double* selpnt, int* geomid, int* skinid);
    [DllImport(Library)] public static extern void mjv_initGeom(MjvGeom* geom, int type, double* size, double* pos, double* mat, float* rgba);
    [DllImport(Library)] public static extern void mjv_makeConnector(MjvGeom* geom, int type, double width,
        double a0, double a1, double a2, double b0, double b1, double b2);

    [DllImport(Library)] public static extern void mjr_defaultContext(nint con);
    [DllImport(Library)] public static extern void mjr_makeContext(nint m, nint con, int fontscale);
    [DllImport(Library)] public static extern void mjr_freeContext(nint con);
    [DllImport(Library)] public static extern void mjr_setBuffer(int framebuffer, nint con);
    [DllImport(Library)] public static extern void mjr_restoreBuffer(nint con);
    [DllImport(Library)] public static extern void mjr_readPixels(byte* rgb, float* depth, MjrRect viewport, nint con);
    [DllImport(Library)] public static extern void mjr_render(MjrRect viewport, nint scn, nint con);
    [DllImport(Library)] public static extern void mjr_overlay(int font, int gridpos, MjrRect viewport, byte* overlay, byte* overlay2, nint con);
    [DllImport(Library)] public static extern void mjr_text(int font, byte* txt, nint con, float x, float y, float r, float g, float b);
    [DllImport(Library)] public static extern void mjr_rectangle(MjrRect viewport, float r, float g, float b, float a);
    [DllImport(Library)] public static extern void mjr_label(MjrRect viewport, int font, byte* txt, float r, float g, float b, float a,
        float rt, float gt, float bt, nint con);
    [DllImport(Library)] public static extern MjrRect mjr_maxViewport(nint con);
    [DllImport(Library)] public static extern void mjr_finish();
    [DllImport(Library)] public static extern int mjr_getError();
}
