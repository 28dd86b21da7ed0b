using Sim.Rewards.Robot.Dynamics;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Rewards.Dynamics;

/// <summary>Checks the optional standardisation of states before REED's state encoder against hand-computed statistics.</summary>
public sealed class StateStandardizerTests
{
    [Fact]
    public void Fitted_statistics_are_the_rows_mean_and_population_deviation_and_states_are_shifted_and_scaled_by_them()
    {
        using var standardizer = new StateStandardizer(2);
        using var states = tensor(new float[] { 1, 10, 3, 30, 2, 20 }).reshape(3, 2);
        using var before = standardizer.forward(states);
        Assert.Equal(new float[] { 1, 10, 3, 30, 2, 20 }, before.data<float>().ToArray()); // unfitted: 0 and 1

        standardizer.Fit(states);

        // Column 1: 1, 3, 2 → mean 2, variance (1 + 1 + 0) / 3; column 2 ten times that: mean 20, variance 200 / 3.
        Assert.Equal(2f, standardizer.Mean[0].item<float>(), 5);
        Assert.Equal(20f, standardizer.Mean[1].item<float>(), 4);
        Assert.Equal(Math.Sqrt(2.0 / 3 + StateStandardizer.Epsilon), standardizer.Std[0].item<float>(), 5);
        Assert.Equal(Math.Sqrt(200.0 / 3 + StateStandardizer.Epsilon), standardizer.Std[1].item<float>(), 4);
        using var after = standardizer.forward(tensor(new float[] { 1, 30 }));
        float[] values = after.data<float>().ToArray();
        Assert.Equal(-1 / Math.Sqrt(2.0 / 3), values[0], 4);
        Assert.Equal(10 / Math.Sqrt(200.0 / 3), values[1], 4);
        // The statistics are buffers, for saving and copying, and nothing an optimizer would move.
        Assert.Empty(standardizer.parameters());
        Assert.Equal(2, standardizer.buffers().Count());
    }

    [Fact]
    public void States_of_another_width_are_refused_naming_the_shape()
    {
        using var standardizer = new StateStandardizer(3);
        using var states = zeros(4, 2);
        var error = Assert.Throws<ArgumentException>(() => standardizer.Fit(states));
        Assert.Contains("states [4, 2]: expected [n ≥ 1, 3]", error.Message);
    }
}
