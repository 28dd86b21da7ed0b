namespace Sim.Alignment.BestOfN;

/// <summary>The N samples of one prompt, each scored once by the proxy reward and by the gold reward.</summary>
/// <param name="Proxy">Proxy score of each sample.</param>
/// <param name="Gold">Gold reward of each sample, in the same order.</param>
public sealed record ScoredSamples(double[] Proxy, double[] Gold);
