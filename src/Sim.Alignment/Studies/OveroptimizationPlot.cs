using ScottPlot;
using Sim.Foundation;

namespace Sim.Alignment.Studies;

/// <summary>Draws Gao et al.'s figure: gold reward (solid) and proxy reward (dashed) of best-of-n against √KL, one colour
/// per proxy, each relative to its value at n = 1 so proxies of different scales share the axes.</summary>
public static class OveroptimizationPlot
{
    /// <summary>Writes the PNG of <paramref name="curves"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<ProxyCurve> curves, string title)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(curves);
        var gold = new Plot();
        var proxy = new Plot();
        gold.Title($"{title}: gold reward");
        proxy.Title("proxy reward");
        foreach (var plot in new[] { gold, proxy })
        {
            plot.XLabel("√KL (nats^½), best-of-n with n = 1 … " + (curves.Count > 0 ? curves[0].Points[^1].N : 0));
            plot.YLabel("reward − reward at n = 1");
        }
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < curves.Count; i++)
        {
            var points = curves[i].Points;
            double[] xs = points.Select(p => p.SqrtKl).ToArray();
            var goldLine = gold.Add.ScatterLine(xs, points.Select(p => p.Gold - points[0].Gold).ToArray(), palette.GetColor(i));
            goldLine.LineWidth = 2;
            goldLine.MarkerSize = 5;
            goldLine.LegendText = curves[i].Proxy;
            var proxyLine = proxy.Add.ScatterLine(xs, points.Select(p => p.Proxy - points[0].Proxy).ToArray(), palette.GetColor(i));
            proxyLine.LineWidth = 2;
            proxyLine.LinePattern = LinePattern.Dashed;
            proxyLine.MarkerSize = 5;
            proxyLine.LegendText = curves[i].Proxy;
        }
        gold.ShowLegend(ScottPlot.Alignment.LowerRight);
        proxy.ShowLegend(ScottPlot.Alignment.UpperLeft);
        const int width = 700, height = 480;
        // Each panel is rendered on its own and pasted side by side, since a plot paints its whole canvas.
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(2 * width, height));
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        using (var left = SkiaSharp.SKBitmap.Decode(gold.GetImageBytes(width, height, ImageFormat.Png)))
            surface.Canvas.DrawBitmap(left, 0, 0);
        using (var right = SkiaSharp.SKBitmap.Decode(proxy.GetImageBytes(width, height, ImageFormat.Png)))
            surface.Canvas.DrawBitmap(right, width, 0);
        using var image = surface.Snapshot();
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }
}
