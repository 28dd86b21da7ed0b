using System.Globalization;
using System.Text;

namespace Sim.Learning.Runs;

/// <summary>Reads a run's <c>metrics.csv</c> (step, tag, value, wall time) without opening it for writing, e.g. to compare
/// finished runs.</summary>
public static class MetricsFile
{
    /// <summary>Every series in the file at <paramref name="path"/>, by tag, in the order logged. A last line without its
    /// newline (a row cut short by a crash) is ignored; any other malformed line is an <see cref="InvalidDataException"/>
    /// naming the file and line.</summary>
    public static IReadOnlyDictionary<string, List<MetricPoint>> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"metrics file '{path}' does not exist: expected a run folder's metrics.csv", path);
        var series = new Dictionary<string, List<MetricPoint>>(StringComparer.Ordinal);
        var lines = CompleteLines(File.ReadAllText(path, Encoding.UTF8));
        if (lines.Length == 0) return series;
        if (lines[0].TrimEnd('\r') != MetricsLogger.CsvHeader)
            throw new InvalidDataException($"metrics file '{path}' starts with \"{lines[0]}\": expected the header \"{MetricsLogger.CsvHeader}\"");
        for (int i = 1; i < lines.Length; i++)
        {
            var (tag, point) = ParseRow(path, i + 1, lines[i].TrimEnd('\r'));
            if (!series.TryGetValue(tag, out var points)) series[tag] = points = [];
            points.Add(point);
        }
        return series;
    }

    /// <summary>The file's lines that end in a newline: anything after the last newline is a row cut short.</summary>
    internal static string[] CompleteLines(string text)
    {
        int end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    /// <summary>Parses one data row, or throws an <see cref="InvalidDataException"/> naming <paramref name="path"/> and <paramref name="lineNumber"/>.</summary>
    internal static (string Tag, MetricPoint Point) ParseRow(string path, int lineNumber, string line)
    {
        string[] fields = line.Split(',');
        if (fields.Length != 4
            || !long.TryParse(fields[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long step)
            || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double wallTime)
            || fields[1].Length == 0)
        {
            throw new InvalidDataException(
                $"metrics file '{path}' line {lineNumber} is \"{line}\": expected step,tag,value,wall_time with an integer step and numeric value and wall time");
        }
        return (fields[1], new MetricPoint(step, value, wallTime));
    }
}
