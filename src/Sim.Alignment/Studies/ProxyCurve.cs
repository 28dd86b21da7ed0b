using Sim.Alignment.BestOfN;

namespace Sim.Alignment.Studies;

/// <summary>One proxy reward's best-of-n curve and its held-out accuracy.</summary>
/// <param name="Proxy">What the proxy is, e.g. <c>single (member 1)</c> or <c>ensemble: worst case</c>.</param>
/// <param name="HeldOutAccuracy">RewardBench accuracy (strict &gt;) on the clean held-out pairs.</param>
/// <param name="Points">Gold and proxy reward of best-of-n against √KL.</param>
public sealed record ProxyCurve(string Proxy, double HeldOutAccuracy, IReadOnlyList<BestOfNPoint> Points);
