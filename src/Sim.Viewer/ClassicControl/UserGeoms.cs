using Sim.Viewer.Native;

namespace Sim.Viewer.ClassicControl;

/// <summary>Adds decorative geoms (boxes, spheres, capsules between two points) to an <see cref="MjvScene"/>, for scenes
/// drawn by code rather than by a model.</summary>
public static unsafe class UserGeoms
{
    const int Sphere = 2, Capsule = 3, Box = 6;

    /// <summary>A box of half-sizes <paramref name="halfSize"/> at <paramref name="pos"/>, turned by <paramref name="pitch"/>
    /// radians about the y axis (the drawings live in the x-z plane).</summary>
    public static void AddBox(MjvScene scene, (double X, double Y, double Z) pos, (double X, double Y, double Z) halfSize, double pitch, Rgba color)
    {
        ref var geom = ref Start(scene, Box, color);
        geom.size[0] = (float)halfSize.X;
        geom.size[1] = (float)halfSize.Y;
        geom.size[2] = (float)halfSize.Z;
        SetPosition(ref geom, pos);
        // Rotation about y, row-major as mjvGeom.mat expects.
        float c = (float)Math.Cos(pitch), s = (float)Math.Sin(pitch);
        geom.mat[0] = c; geom.mat[1] = 0; geom.mat[2] = s;
        geom.mat[3] = 0; geom.mat[4] = 1; geom.mat[5] = 0;
        geom.mat[6] = -s; geom.mat[7] = 0; geom.mat[8] = c;
    }

    /// <summary>A sphere of <paramref name="radius"/> at <paramref name="pos"/>.</summary>
    public static void AddSphere(MjvScene scene, (double X, double Y, double Z) pos, double radius, Rgba color)
    {
        ref var geom = ref Start(scene, Sphere, color);
        geom.size[0] = geom.size[1] = geom.size[2] = (float)radius;
        SetPosition(ref geom, pos);
    }

    /// <summary>A capsule of <paramref name="radius"/> from <paramref name="from"/> to <paramref name="to"/> (mjv_makeConnector).</summary>
    public static void AddCapsule(MjvScene scene, (double X, double Y, double Z) from, (double X, double Y, double Z) to, double radius, Rgba color)
    {
        ref var geom = ref Start(scene, Capsule, color);
        fixed (MjvGeom* g = &geom)
            MjvNative.mjv_makeConnector(g, Capsule, radius, from.X, from.Y, from.Z, to.X, to.Y, to.Z);
    }

    static ref MjvGeom Start(MjvScene scene, int type, Rgba color)
    {
        ref var geom = ref scene.AddGeom();
        geom.type = type;
        geom.category = MjvNative.mjCAT_DECOR;
        geom.rgba[0] = color.R;
        geom.rgba[1] = color.G;
        geom.rgba[2] = color.B;
        geom.rgba[3] = color.A;
        geom.specular = 0.3f;
        geom.shininess = 0.3f;
        return ref geom;
    }

    static void SetPosition(ref MjvGeom geom, (double X, double Y, double Z) pos)
    {
        geom.pos[0] = (float)pos.X;
        geom.pos[1] = (float)pos.Y;
        geom.pos[2] = (float)pos.Z;
    }
}

/// <summary>A colour with components in [0, 1].</summary>
public readonly record struct Rgba(float R, float G, float B, float A = 1);
