using System.Globalization;

namespace Sim.Cli.Tests;

/// <summary>A run's metrics.csv read with a parser written here (long format: <c>step,tag,value,wall_time</c>).</summary>
internal static class MetricsCsv
{
    /// <summary>One logged scalar.</summary>
    public readonly record struct Row(long Step, string Tag, double Value);

    /// <summary>The rows of <paramref name="path"/> in file order, after checking the header.</summary>
    public static List<Row> Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        Assert.NotEmpty(lines);
        Assert.Equal("step,tag,value,wall_time", lines[0]);
        var rows = new List<Row>();
        foreach (string line in lines.Skip(1))
        {
            string[] fields = line.Split(',');
            Assert.True(fields.Length == 4, $"metrics row '{line}' does not have 4 fields");
            rows.Add(new Row(long.Parse(fields[0], CultureInfo.InvariantCulture), fields[1], double.Parse(fields[2], CultureInfo.InvariantCulture)));
        }
        return rows;
    }
}
