namespace Sim.Viewer.Clips;

/// <summary>Where a clip and its poster are, and whether this call rendered them or found them already made.</summary>
/// <param name="VideoPath">The MP4 or WebM file.</param>
/// <param name="PosterPath">The PNG of the middle frame.</param>
/// <param name="Key">The content hash both file names carry.</param>
/// <param name="Rendered">False when the files existed and nothing was rendered.</param>
/// <param name="Frames">Frames in the clip.</param>
public sealed record ClipResult(string VideoPath, string PosterPath, string Key, bool Rendered, int Frames);
