namespace Sim.Viewer.Rendering;

/// <summary>Two columns of overlay text drawn with mjr_overlay (labels left, values right), lines separated by '\n'.</summary>
public readonly record struct OverlayText(string Labels, string Values, OverlayCorner Corner = OverlayCorner.TopLeft);

/// <summary>Where mjr_overlay puts its text (mjtGridPos).</summary>
public enum OverlayCorner
{
    /// <summary>mjGRID_TOPLEFT.</summary>
    TopLeft = 0,
    /// <summary>mjGRID_TOPRIGHT.</summary>
    TopRight,
    /// <summary>mjGRID_BOTTOMLEFT.</summary>
    BottomLeft,
    /// <summary>mjGRID_BOTTOMRIGHT.</summary>
    BottomRight,
}
