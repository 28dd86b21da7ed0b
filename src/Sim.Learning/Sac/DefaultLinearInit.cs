using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>PyTorch's default <c>nn.Linear</c> initialisation, drawn from a given generator (CleanRL's SAC networks use it).</summary>
/// <remarks>
/// PyTorch draws weights with <c>kaiming_uniform_(a = √5)</c>, which is U(−1/√fan_in, 1/√fan_in), and biases from the
/// same range. <c>nn.Linear</c> draws them from the process-wide generator, which other torch code may share; drawing
/// from the run's own generator keeps a run reproducible from its seed alone.
/// </remarks>
public static class DefaultLinearInit
{
    /// <summary>A <c>Linear(inputs, outputs)</c> with weights and biases uniform in ±1/√<paramref name="inputs"/>.</summary>
    public static Linear Linear(int inputs, int outputs, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, $"inputs = {inputs}: expected at least 1");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, $"outputs = {outputs}: expected at least 1");
        var layer = nn.Linear(inputs, outputs);
        double bound = 1.0 / Math.Sqrt(inputs);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Fill(layer.weight!, bound, generator);
        Fill(layer.bias!, bound, generator);
        return layer;
    }

    private static void Fill(Tensor parameter, double bound, Generator generator)
    {
        using var width = (2 * bound).ToScalar();
        using var halfWidth = bound.ToScalar();
        var unit = rand(parameter.shape, dtype: parameter.dtype, generator: generator);
        parameter.copy_(unit.mul(width).sub(halfWidth));
    }
}
