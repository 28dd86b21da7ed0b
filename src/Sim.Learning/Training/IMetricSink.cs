namespace Sim.Learning.Training;

/// <summary>Where trainers send scalar metrics, under CleanRL's tag names (<c>charts/SPS</c>, <c>losses/approx_kl</c>).</summary>
public interface IMetricSink
{
    /// <summary>Records <paramref name="value"/> for <paramref name="tag"/> at env step <paramref name="step"/>.</summary>
    void Log(string tag, double value, long step);
}
