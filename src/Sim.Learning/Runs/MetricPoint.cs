namespace Sim.Learning.Runs;

/// <summary>One logged value of a metric: the training step, the value and when it was logged (seconds since the Unix epoch).</summary>
public readonly record struct MetricPoint(long Step, double Value, double WallTime);
