using Sim.Foundation;
using ScottPlot;
using SkiaSharp;

namespace Sim.Learning.Runs;

/// <summary>Draws a run's learning curve (episodic return against step) and its loss curves as PNG files.</summary>
/// <remarks>
/// Images are rendered in memory and written with a temporary file and a rename, so a viewer refreshing
/// <c>curve.png</c> during training never reads half an image. Non-finite values (a NaN loss) are left out of the
/// drawing; they stay in the CSV.
/// </remarks>
public static class LearningCurvePlot
{
    /// <summary>The CleanRL tag of episode returns, plotted by <see cref="WriteForRun"/>.</summary>
    public const string EpisodicReturnTag = "charts/episodic_return";

    /// <summary>Prefix of the tags plotted as loss panels by <see cref="WriteForRun"/>.</summary>
    public const string LossTagPrefix = "losses/";

    /// <summary>Default number of points in the moving average.</summary>
    public const int DefaultWindow = 20;

    private static readonly Color RawColor = Color.FromHex("#1f77b4").WithAlpha(0.25);
    private static readonly Color AverageColor = Color.FromHex("#1f77b4");

    /// <summary>Writes <c>curve.png</c> from <paramref name="curve"/>'s tag (<see cref="EpisodicReturnTag"/> by default) and,
    /// when any <c>losses/*</c> tag was logged, <c>losses.png</c>.</summary>
    public static void WriteForRun(RunDirectory run, MetricsLogger metrics, int window = DefaultWindow, LearningCurve? curve = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metrics);
        curve ??= LearningCurve.EpisodicReturn;
        WriteCurve(run.CurvePath, metrics.Series(curve.Tag), run.Name, window, curve: curve);
        var losses = metrics.Tags
            .Where(tag => tag.StartsWith(LossTagPrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(tag => (tag, metrics.Series(tag)))
            .ToList();
        if (losses.Count > 0)
        {
            WritePanels(run.LossesPath, losses, run.Name);
        }
    }

    /// <summary>Writes a PNG of <paramref name="returns"/> against step: each episode a faint point, plus a moving average of
    /// <paramref name="window"/> episodes (or of another <paramref name="curve"/>'s points).</summary>
    public static void WriteCurve(string path, IReadOnlyList<MetricPoint> returns, string title, int window = DefaultWindow, int width = 900, int height = 540,
        LearningCurve? curve = null)
    {
        curve ??= LearningCurve.EpisodicReturn;
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(title);
        ValidateSize(width, height);
        Plot plot = CurvePlot(returns, window, curve.Label, curve.PointLabel, Alignment.LowerRight);
        plot.Title(returns.Count == 0 ? $"{title} (no {curve.PointLabel}s yet)" : title);
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, png);
    }

    /// <summary>Writes a PNG with one panel per series (e.g. each <c>losses/*</c> tag), in a grid of up to three columns.</summary>
    public static void WritePanels(string path, IReadOnlyList<(string Tag, IReadOnlyList<MetricPoint> Points)> series, string title,
        int window = DefaultWindow, int panelWidth = 480, int panelHeight = 320)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(title);
        if (series.Count == 0)
        {
            throw new ArgumentException("no series to plot: expected at least one", nameof(series));
        }
        ValidateSize(panelWidth, panelHeight);
        int columns = Math.Min(3, series.Count);
        int rows = (series.Count + columns - 1) / columns;
        const int TitleHeight = 36;
        using var surface = SKSurface.Create(new SKImageInfo(columns * panelWidth, TitleHeight + rows * panelHeight))
            ?? throw new InvalidOperationException($"could not create a {columns * panelWidth}x{TitleHeight + rows * panelHeight} drawing surface");
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int i = 0; i < series.Count; i++)
        {
            Plot panel = CurvePlot(series[i].Points, window, "value", "logged value", Alignment.UpperRight);
            panel.Title(series[i].Tag);
            // Each panel gets its own surface: a plot clears the whole canvas it is rendered on.
            using var panelSurface = SKSurface.Create(new SKImageInfo(panelWidth, panelHeight))
                ?? throw new InvalidOperationException($"could not create a {panelWidth}x{panelHeight} drawing surface");
            panel.Render(panelSurface);
            using SKImage panelImage = panelSurface.Snapshot();
            canvas.DrawImage(panelImage, i % columns * panelWidth, TitleHeight + i / columns * panelHeight);
        }
        using (var font = new SKFont(SKTypeface.Default, 18))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.DrawText(title, columns * panelWidth / 2f, TitleHeight - 10, SKTextAlign.Center, font, paint);
        }
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.AsSpan());
    }

    /// <summary>Writes a PNG comparing several runs: for each, the moving average of <paramref name="window"/> logged values
    /// of one tag against step, in its own colour and named in the legend.</summary>
    public static void WriteComparison(string path, IReadOnlyList<(string Label, IReadOnlyList<MetricPoint> Points)> runs, string title,
        string yLabel, int window = DefaultWindow, int width = 900, int height = 540)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(title);
        if (runs.Count == 0) throw new ArgumentException("no runs to compare: expected at least one", nameof(runs));
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "moving-average window must be >= 1");
        ValidateSize(width, height);
        var plot = new Plot();
        plot.XLabel("step");
        plot.YLabel(yLabel);
        plot.Title(title);
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < runs.Count; i++)
        {
            var finite = runs[i].Points.Where(p => double.IsFinite(p.Value)).ToArray();
            if (finite.Length == 0) continue;
            double[] xs = finite.Select(p => (double)p.Step).ToArray();
            double[] ys = MovingAverage(finite.Select(p => p.Value).ToArray(), Math.Min(window, finite.Length));
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(i));
            line.LineWidth = 2;
            line.LegendText = runs[i].Label;
        }
        plot.ShowLegend(Alignment.UpperLeft);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }

    /// <summary>The trailing mean at each index: the mean of the last <paramref name="window"/> values, or of all values so far near the start.</summary>
    public static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (window < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "moving-average window must be >= 1");
        }
        var averages = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window)
            {
                sum -= values[i - window];
            }
            averages[i] = sum / Math.Min(i + 1, window);
        }
        return averages;
    }

    private static Plot CurvePlot(IReadOnlyList<MetricPoint> points, int window, string yLabel, string pointLabel, Alignment legend)
    {
        var finite = points.Where(p => double.IsFinite(p.Value)).ToArray();
        double[] xs = finite.Select(p => (double)p.Step).ToArray();
        double[] ys = finite.Select(p => p.Value).ToArray();
        var plot = new Plot();
        plot.XLabel("step");
        plot.YLabel(yLabel);
        if (xs.Length == 0)
        {
            return plot;
        }
        var raw = plot.Add.ScatterPoints(xs, ys, RawColor);
        raw.MarkerSize = 4;
        raw.LegendText = pointLabel;
        int effectiveWindow = Math.Min(window, xs.Length);
        var average = plot.Add.ScatterLine(xs, MovingAverage(ys, effectiveWindow), AverageColor);
        average.LineWidth = 2;
        average.LegendText = $"mean of last {effectiveWindow}";
        plot.ShowLegend(legend);
        return plot;
    }

    private static void ValidateSize(int width, int height)
    {
        if (width < 64 || height < 64 || width > 16384 || height > 16384)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} is outside 64..16384 pixels per side");
        }
    }
}
