namespace Sim.Alignment.BestOfN;

/// <summary>Best-of-n at one n, averaged over prompts: Gao et al.'s x-axis (√KL) and the proxy and gold rewards reached.</summary>
/// <param name="N">Samples chosen from.</param>
/// <param name="Kl">log n − (n − 1)/n.</param>
/// <param name="Proxy">Mean over prompts of the expected proxy score of the best of n.</param>
/// <param name="Gold">Mean over prompts of the expected gold reward of the proxy's best of n.</param>
public sealed record BestOfNPoint(int N, double Kl, double Proxy, double Gold)
{
    /// <summary>d = √KL, the distance Gao et al. plot against.</summary>
    public double SqrtKl => Math.Sqrt(Kl);
}
