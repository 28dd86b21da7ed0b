using ScottPlot;
using Sim.Foundation;

namespace Sim.Alignment.Studies;

/// <summary>A bar chart of one or more measures per model with a dashed reference line (e.g. chance), for the studies
/// whose result is a handful of numbers.</summary>
public static class OutcomeBarPlot
{
    /// <summary>Writes a PNG with one group of bars per model: <paramref name="measures"/> are (legend, value per model).</summary>
    public static void Write(string path, string title, IReadOnlyList<string> models, IReadOnlyList<(string Name, double[] Values)> measures, double reference, string referenceLabel)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(measures);
        var plot = new Plot();
        plot.Title(title);
        var palette = new ScottPlot.Palettes.Category10();
        int groups = models.Count, series = measures.Count;
        for (int s = 0; s < series; s++)
        {
            var bars = new List<Bar>();
            for (int g = 0; g < groups; g++)
                bars.Add(new Bar { Position = g * (series + 1) + s, Value = measures[s].Values[g], FillColor = palette.GetColor(s) });
            var added = plot.Add.Bars(bars);
            added.LegendText = measures[s].Name;
        }
        var line = plot.Add.HorizontalLine(reference);
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = referenceLabel;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups).Select(g => g * (series + 1) + (series - 1) / 2.0).ToArray(), models.ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(700, 480, ImageFormat.Png));
    }
}
