using Sim.Envs.Dmc;

namespace Sim.Envs.Tests.Dmc;

/// <summary>dm_control's tolerance against values computed by hand: 1 inside the bounds, the value at the margin one margin
/// outside, and each sigmoid half a margin outside from its closed form.</summary>
public class ToleranceTests
{
    const double Inf = double.PositiveInfinity;

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Inside_the_bounds_is_1_whatever_the_sigmoid(double x)
    {
        foreach (var sigmoid in Enum.GetValues<ToleranceSigmoid>())
            Assert.Equal(1.0, Tolerance.Of(x, 0, 1, margin: 2, sigmoid, valueAtMargin: 0.5));
    }

    [Fact]
    public void Without_a_margin_it_is_the_indicator_of_the_bounds()
    {
        Assert.Equal(1.0, Tolerance.Of(1.2, 1.2, Inf));
        Assert.Equal(0.0, Tolerance.Of(1.19, 1.2, Inf));
        Assert.Equal(0.0, Tolerance.Of(3, 0, 1));
    }

    [Fact]
    public void One_margin_outside_either_bound_is_the_value_at_the_margin()
    {
        foreach (var sigmoid in Enum.GetValues<ToleranceSigmoid>())
        {
            Assert.Equal(0.3, Tolerance.Of(3, 0, 1, margin: 2, sigmoid, valueAtMargin: 0.3), 12);
            Assert.Equal(0.3, Tolerance.Of(-2, 0, 1, margin: 2, sigmoid, valueAtMargin: 0.3), 12);
        }
    }

    // Half a margin outside (d = 0.5) with the value 0.5 at the margin (gaussian: 0.1):
    // gaussian v^(d²) = 0.1^0.25; hyperbolic 1/cosh(acosh(2)/2) = sqrt(2/3); long tail 1/(d² + 1) = 0.8;
    // reciprocal 1/(d + 1) = 2/3; cosine (1 + cos(π/4))/2; linear 1 − d/2 = 0.75; quadratic 1 − d²/2 = 0.875;
    // tanh² 1 − tanh(atanh(√½)/2)² = 1 − (√2 − 1)².
    [Theory]
    [InlineData(ToleranceSigmoid.Gaussian, 0.1, 0.56234132519034908)]
    [InlineData(ToleranceSigmoid.Hyperbolic, 0.5, 0.81649658092772603)]
    [InlineData(ToleranceSigmoid.LongTail, 0.5, 0.8)]
    [InlineData(ToleranceSigmoid.Reciprocal, 0.5, 0.66666666666666667)]
    [InlineData(ToleranceSigmoid.Cosine, 0.5, 0.85355339059327373)]
    [InlineData(ToleranceSigmoid.Linear, 0.5, 0.75)]
    [InlineData(ToleranceSigmoid.Quadratic, 0.5, 0.875)]
    [InlineData(ToleranceSigmoid.TanhSquared, 0.5, 0.82842712474619010)]
    public void Half_a_margin_outside_matches_the_closed_form(ToleranceSigmoid sigmoid, double valueAtMargin, double expected)
    {
        Assert.Equal(expected, Tolerance.Of(2, 0, 1, margin: 2, sigmoid, valueAtMargin), 12);
        Assert.Equal(expected, Tolerance.Of(-1, 0, 1, margin: 2, sigmoid, valueAtMargin), 12);
    }

    [Theory]
    [InlineData(ToleranceSigmoid.Cosine)]
    [InlineData(ToleranceSigmoid.Linear)]
    [InlineData(ToleranceSigmoid.Quadratic)]
    public void The_bounded_sigmoids_reach_0_beyond_their_reach(ToleranceSigmoid sigmoid)
    {
        // Value 0 at the margin: 0 from one margin out. Value 0.5: linear and cosine reach 0 at two margins, quadratic at √2.
        Assert.Equal(0.0, Tolerance.Of(3, 0, 1, margin: 2, sigmoid, valueAtMargin: 0));
        Assert.Equal(0.0, Tolerance.Of(1 + 2 * 2.01, 0, 1, margin: 2, sigmoid, valueAtMargin: 0.5));
    }

    [Fact]
    public void Dm_controls_cheetah_reward_is_speed_over_10_clipped_to_0_and_1()
    {
        foreach (var (speed, reward) in new[] { (-3.0, 0.0), (0.0, 0.0), (4.0, 0.4), (9.5, 0.95), (10.0, 1.0), (25.0, 1.0) })
            Assert.Equal(reward, Tolerance.Of(speed, 10, Inf, 10, ToleranceSigmoid.Linear, valueAtMargin: 0), 12);
    }

    [Theory]
    [InlineData(2, 1, 1, 0.1, "tolerance bounds (2, 1): expected lower <= upper")]
    [InlineData(0, 1, -1, 0.1, "tolerance margin -1: expected a non-negative margin")]
    [InlineData(0, 1, 1, 0, "tolerance value at the margin 0 for the Gaussian sigmoid: expected 0 < value < 1")]
    [InlineData(0, 1, 1, 1, "tolerance value at the margin 1 for the Gaussian sigmoid: expected 0 < value < 1")]
    public void Bad_parameters_are_named(double lower, double upper, double margin, double valueAtMargin, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Tolerance.Of(5, lower, upper, margin, ToleranceSigmoid.Gaussian, valueAtMargin));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Linear_takes_0_but_not_1_at_the_margin()
    {
        Assert.Equal(0.0, Tolerance.Of(5, 0, 1, 1, ToleranceSigmoid.Linear, 0));
        var e = Assert.Throws<ArgumentException>(() => Tolerance.Of(5, 0, 1, 1, ToleranceSigmoid.Linear, 1));
        Assert.Contains("expected 0 <= value < 1", e.Message);
    }
}
