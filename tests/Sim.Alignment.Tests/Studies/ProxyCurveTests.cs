using Sim.Alignment.BestOfN;
using Sim.Alignment.Studies;

namespace Sim.Alignment.Tests.Studies;

/// <summary>Checks the averaging of best-of-n curves (the single-model curve over members, a proxy's curve over seeds)
/// and the fall of a gold curve from its best point, on numbers worked out by hand.</summary>
public sealed class ProxyCurveTests
{
    private static ProxyCurve Curve(string name, double accuracy, params (double Proxy, double Gold)[] points) =>
        new(name, accuracy, points.Select((p, i) => new BestOfNPoint(1 << i, BestOfNEstimator.KlDivergence(1 << i), p.Proxy, p.Gold)).ToList());

    [Fact]
    public void The_mean_curve_averages_every_point_and_the_accuracy()
    {
        var a = Curve("member 1", 0.6, (0, 1), (1, 3), (2, 2));
        var b = Curve("member 2", 0.7, (0, 2), (3, 2), (4, 0));
        var mean = ProxyCurve.Mean("single", [a, b]);
        Assert.Equal("single", mean.Proxy);
        Assert.Equal(0.65, mean.HeldOutAccuracy, 12);
        Assert.Equal([1, 2, 4], mean.Points.Select(p => p.N));
        Assert.Equal([0.0, 2.0, 3.0], mean.Points.Select(p => p.Proxy));
        Assert.Equal([1.5, 2.5, 1.0], mean.Points.Select(p => p.Gold));
        // KL at n = 4 is log 4 − 3/4.
        Assert.Equal(Math.Log(4) - 0.75, mean.Points[2].Kl, 12);
    }

    [Fact]
    public void The_fall_from_the_peak_is_zero_for_a_rising_curve_and_the_drop_otherwise()
    {
        Assert.Equal(0, Curve("rising", 0.5, (0, 1), (1, 2), (2, 2.5)).GoldFallFromPeak);
        Assert.Equal(1.25, Curve("falling", 0.5, (0, 1), (1, 3), (2, 1.75)).GoldFallFromPeak, 12);
    }

    [Fact]
    public void Curves_over_different_n_are_refused_by_name()
    {
        var a = Curve("member 1", 0.6, (0, 1), (1, 3));
        var b = Curve("member 2", 0.7, (0, 2), (3, 2), (4, 0));
        var error = Assert.Throws<ArgumentException>(() => ProxyCurve.Mean("single", [a, b]));
        Assert.Contains("member 2", error.Message);
        Assert.Throws<ArgumentException>(() => ProxyCurve.Mean("single", []));
    }
}
