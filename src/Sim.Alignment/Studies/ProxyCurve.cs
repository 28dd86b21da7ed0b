using Sim.Alignment.BestOfN;

namespace Sim.Alignment.Studies;

/// <summary>One proxy reward's best-of-n curve and its held-out accuracy.</summary>
/// <param name="Proxy">What the proxy is, e.g. <c>single (member 1)</c> or <c>ensemble: worst case</c>.</param>
/// <param name="HeldOutAccuracy">RewardBench accuracy (strict &gt;) on the clean held-out pairs.</param>
/// <param name="Points">Gold and proxy reward of best-of-n against √KL.</param>
public sealed record ProxyCurve(string Proxy, double HeldOutAccuracy, IReadOnlyList<BestOfNPoint> Points)
{
    /// <summary>The pointwise mean of <paramref name="curves"/> (same n on each), named <paramref name="proxy"/>: the
    /// single-model curve over ensemble members, or one proxy's curve over seeds.</summary>
    /// <exception cref="ArgumentException">No curves, or curves over different n.</exception>
    public static ProxyCurve Mean(string proxy, IReadOnlyList<ProxyCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0) throw new ArgumentException("no curves to average: expected at least one", nameof(curves));
        var ns = curves[0].Points.Select(p => p.N).ToList();
        foreach (var curve in curves)
            if (!curve.Points.Select(p => p.N).SequenceEqual(ns))
                throw new ArgumentException($"curve '{curve.Proxy}' has n = {string.Join(", ", curve.Points.Select(p => p.N))}: expected {string.Join(", ", ns)} like '{curves[0].Proxy}'", nameof(curves));
        var points = ns.Select((n, i) => new BestOfNPoint(n, curves[0].Points[i].Kl,
            curves.Average(c => c.Points[i].Proxy), curves.Average(c => c.Points[i].Gold))).ToList();
        return new ProxyCurve(proxy, curves.Average(c => c.HeldOutAccuracy), points);
    }

    /// <summary>How far the gold reward ends below its best point: best gold − gold at the largest n (0 when it never falls).</summary>
    public double GoldFallFromPeak => Points.Max(p => p.Gold) - Points[^1].Gold;
}
