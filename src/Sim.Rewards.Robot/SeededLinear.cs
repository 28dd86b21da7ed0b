using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot;

/// <summary>Linear layers initialised as PyTorch's default <c>nn.Linear</c> (U(±1/√fan_in) for weight and bias), drawn
/// from a given generator so that a seed alone fixes a network's initial weights.</summary>
public static class SeededLinear
{
    /// <summary>A new <paramref name="inputs"/> → <paramref name="outputs"/> layer drawn from <paramref name="generator"/>.</summary>
    public static Linear Create(int inputs, int outputs, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var layer = nn.Linear(inputs, outputs);
        double bound = 1.0 / Math.Sqrt(inputs);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var width = (2 * bound).ToScalar();
        using var halfWidth = bound.ToScalar();
        foreach (var parameter in new[] { layer.weight!, layer.bias! })
        {
            var unit = rand(parameter.shape, dtype: parameter.dtype, generator: generator);
            parameter.copy_(unit.mul(width).sub(halfWidth));
        }
        return layer;
    }
}
