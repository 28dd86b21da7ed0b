namespace Sim.MuJoCo;

/// <summary>MuJoCo warning kinds (mjtWarning), counted per mjData.</summary>
public enum MjWarning
{
    Inertia = 0, ContactFull, ConstraintFull, VisualGeomFull, BadQpos, BadQvel, BadQacc, BadCtrl,
}
