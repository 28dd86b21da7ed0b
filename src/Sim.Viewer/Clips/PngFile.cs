using Sim.Foundation;
using StbImageWriteSharp;

namespace Sim.Viewer.Clips;

/// <summary>Writes RGB frames as PNG files (poster images).</summary>
public static class PngFile
{
    /// <summary>Writes <paramref name="rgb"/> (rows top first, 3 bytes per pixel) to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, byte[] rgb, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"rgb buffer has {rgb.Length} bytes, expected {width}x{height}x3 = {width * height * 3}", nameof(rgb));
        AtomicFile.Write(path, stream => new ImageWriter().WritePng(rgb, width, height, ColorComponents.RedGreenBlue, stream));
    }
}
