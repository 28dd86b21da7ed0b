using Sim.Learning.Training;

namespace Sim.Alignment.Tests;

/// <summary>Keeps every logged metric in memory, for tests that read what a trainer logged.</summary>
internal sealed class ListSink : IMetricSink
{
    public List<(string Tag, double Value, long Step)> Rows { get; } = [];

    public void Log(string tag, double value, long step) => Rows.Add((tag, value, step));

    public List<double> Values(string tag) => Rows.Where(r => r.Tag == tag).Select(r => r.Value).ToList();
}
