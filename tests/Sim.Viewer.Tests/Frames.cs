namespace Sim.Viewer.Tests;

/// <summary>Colour statistics of RGB frames, for asserting what a render shows.</summary>
static class Frames
{
    /// <summary>Fraction of pixels for which <paramref name="predicate"/>(r, g, b) holds.</summary>
    public static double Fraction(byte[] rgb, Func<int, int, int, bool> predicate)
    {
        int hits = 0, pixels = rgb.Length / 3;
        for (int i = 0; i < pixels; i++)
            if (predicate(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2])) hits++;
        return hits / (double)pixels;
    }

    /// <summary>Number of distinct colours, quantised to 5 bits per channel.</summary>
    public static int DistinctColours(byte[] rgb)
    {
        var set = new HashSet<int>();
        for (int i = 0; i + 2 < rgb.Length; i += 3) set.Add((rgb[i] >> 3) << 10 | (rgb[i + 1] >> 3) << 5 | rgb[i + 2] >> 3);
        return set.Count;
    }
}
