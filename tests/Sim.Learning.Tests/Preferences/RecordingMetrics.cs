using Sim.Learning.Training;

namespace Sim.Learning.Tests.Preferences;

/// <summary>A metric sink that keeps every value, for asserting what a trainer logged.</summary>
internal sealed class RecordingMetrics : IMetricSink
{
    public List<(string Tag, double Value, long Step)> Points { get; } = [];

    public void Log(string tag, double value, long step) => Points.Add((tag, value, step));

    public IEnumerable<double> Values(string tag) => Points.Where(p => p.Tag == tag).Select(p => p.Value);
}
