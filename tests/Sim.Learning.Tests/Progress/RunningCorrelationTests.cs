using Sim.Learning.Progress;

namespace Sim.Learning.Tests.Progress;

public sealed class RunningCorrelationTests
{
    [Fact]
    public void Pearson_matches_a_hand_computed_value_and_restarts()
    {
        // x = 1, 2, 3, 4; y = 2, 1, 4, 3: means 2.5 and 2.5, Σdxdy = 3, Σdx² = Σdy² = 5, r = 0.6.
        var correlation = new RunningCorrelation();
        foreach (var (x, y) in new[] { (1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0) }) correlation.Add(x, y);
        Assert.Equal(0.6, correlation.Take(), 12);
        Assert.Equal(0, correlation.Count);
        Assert.True(double.IsNaN(correlation.Take()));
    }

    [Fact]
    public void A_constant_variable_has_no_correlation()
    {
        var correlation = new RunningCorrelation();
        correlation.Add(1, 5);
        correlation.Add(1, 7);
        Assert.True(double.IsNaN(correlation.Take()));
    }
}
