using Sim.Viewer.Rendering;

namespace Sim.Viewer.Clips;

/// <summary>How a clip looks: frame size, frame rate, camera, whether the step/return overlay is drawn, and the video format.</summary>
/// <param name="Width">Frame width in pixels; even, because yuv420p halves the chroma resolution.</param>
/// <param name="Height">Frame height in pixels; even.</param>
/// <param name="Fps">Frames per second of the video (one frame per recorded state).</param>
/// <param name="Camera">The camera, in <see cref="CameraSpec.Parse"/> form; null for the env's default.</param>
/// <param name="Overlay">Whether to draw the step number and the return so far.</param>
/// <param name="Format">Container and codec.</param>
public sealed record ClipSettings(int Width = 480, int Height = 480, int Fps = 30, string? Camera = null, bool Overlay = true, ClipFormat Format = ClipFormat.Mp4,
    RenderQuality Quality = RenderQuality.Full)
{
    /// <summary>Throws with the bad value and the expected range when a setting is out of range.</summary>
    public void Validate()
    {
        if (Width < 16 || Width > 4096 || Width % 2 != 0)
            throw new ArgumentException($"clip width {Width}: expected an even number of pixels in 16..4096");
        if (Height < 16 || Height > 4096 || Height % 2 != 0)
            throw new ArgumentException($"clip height {Height}: expected an even number of pixels in 16..4096");
        if (Fps < 1 || Fps > 240) throw new ArgumentException($"clip fps {Fps}: expected 1..240 frames per second");
        CameraSpec.Parse(Camera);
    }

    /// <summary>The file extension of <see cref="Format"/>, with its dot.</summary>
    public string Extension => Format == ClipFormat.WebM ? ".webm" : ".mp4";
}
