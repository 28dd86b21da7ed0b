namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Masses of MuJoCo's primitive geoms at its default density of 1000 kg/m³, computed from their sizes.</summary>
public static class GeomMass
{
    /// <summary>A capsule of radius <paramref name="r"/> around a segment of length <paramref name="l"/>: a cylinder and two half-spheres.</summary>
    public static double Capsule(double r, double l) => 1000 * (Math.PI * r * r * l + 4.0 / 3.0 * Math.PI * r * r * r);

    /// <summary>A cylinder of radius <paramref name="r"/> and half-height <paramref name="h"/>.</summary>
    public static double Cylinder(double r, double h) => 1000 * Math.PI * r * r * 2 * h;

    /// <summary>A sphere of radius <paramref name="r"/>.</summary>
    public static double Sphere(double r) => 1000 * 4.0 / 3.0 * Math.PI * r * r * r;
}
