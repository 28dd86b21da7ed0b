namespace Sim.Viewer.Interactive;

/// <summary>Indices into mjvOption.flags (mjtVisFlag of MuJoCo 2.2.2) that the viewer's keys toggle.</summary>
public static class VisualFlags
{
    /// <summary>mjVIS_JOINT.</summary>
    public const int Joint = 2;
    /// <summary>mjVIS_CONTACTPOINT.</summary>
    public const int ContactPoint = 14;
    /// <summary>mjVIS_CONTACTFORCE.</summary>
    public const int ContactForce = 15;
    /// <summary>mjVIS_TRANSPARENT.</summary>
    public const int Transparent = 17;
}
