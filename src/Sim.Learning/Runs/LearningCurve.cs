namespace Sim.Learning.Runs;

/// <summary>Which logged tag a run's <c>curve.png</c> shows, and how its axis and points are labelled: episodic return
/// for the RL trainers, a loss or an accuracy for trainers without episodes.</summary>
/// <param name="Tag">The metric tag plotted against step.</param>
/// <param name="Label">The y-axis label.</param>
/// <param name="PointLabel">What one logged value is, in the legend and the empty-plot title (e.g. <c>episode</c>).</param>
public sealed record LearningCurve(string Tag, string Label, string PointLabel)
{
    /// <summary>CleanRL's learning curve: <c>charts/episodic_return</c>, one point per finished episode.</summary>
    public static LearningCurve EpisodicReturn { get; } = new(LearningCurvePlot.EpisodicReturnTag, "episodic return", "episode");
}
