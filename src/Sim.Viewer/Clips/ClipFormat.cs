namespace Sim.Viewer.Clips;

/// <summary>Video container and codec of a clip.</summary>
public enum ClipFormat
{
    /// <summary>MP4 with H.264 (libx264, yuv420p): plays in every browser.</summary>
    Mp4,
    /// <summary>WebM with VP9 (libvpx-vp9, yuv420p).</summary>
    WebM,
}
