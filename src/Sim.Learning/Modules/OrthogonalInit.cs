using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Learning.Modules;

/// <summary>Orthogonal weight initialisation (Saxe et al.) drawn from a given generator, as PPO's networks use.</summary>
/// <remarks>
/// <c>torch.nn.init.orthogonal_</c> takes no generator, so it would draw from the process-wide one that any
/// other torch code on any thread may also be drawing from; initialising from the run's own generator keeps
/// a run reproducible from its seed alone.
/// </remarks>
public static class OrthogonalInit
{
    /// <summary>A <c>Linear(inputs, outputs)</c> layer with an orthogonal weight scaled by <paramref name="gain"/> and a zero bias.</summary>
    public static Linear Linear(int inputs, int outputs, double gain, Generator generator)
    {
        var layer = nn.Linear(inputs, outputs);
        Fill(layer.weight!, gain, generator);
        using (NewDisposeScope())
        using (no_grad())
        {
            layer.bias!.zero_();
        }
        return layer;
    }

    /// <summary>Overwrites the 2-D <paramref name="weight"/> with a (semi-)orthogonal matrix times <paramref name="gain"/>.</summary>
    /// <remarks>
    /// QR of a standard normal matrix gives a Haar-distributed Q once each column is multiplied by the sign
    /// of R's diagonal; a wide matrix is made from the QR of its transpose so that its rows are orthonormal.
    /// </remarks>
    public static void Fill(Tensor weight, double gain, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 2) throw new ArgumentException($"weight has {weight.dim()} dims: expected a 2-D [outputs, inputs] matrix", nameof(weight));
        if (!double.IsFinite(gain)) throw new ArgumentOutOfRangeException(nameof(gain), gain, $"gain = {gain}: expected a finite value");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long rows = weight.shape[0], cols = weight.shape[1];
        bool wide = rows < cols;
        var normal = randn(new[] { Math.Max(rows, cols), Math.Min(rows, cols) }, dtype: float64, generator: generator);
        var (q, r) = linalg.qr(normal);
        // sign(0) would zero a column, and a zero on R's diagonal has probability 0 but is cheap to rule out.
        var signs = r.diagonal().sign();
        signs = where(signs.eq(Zero), ones_like(signs), signs);
        q = q * signs.unsqueeze(0);
        if (wide) q = q.t();
        using var gainScalar = gain.ToScalar();
        weight.copy_(q.mul(gainScalar).to(weight.dtype).to(weight.device));
    }
}
