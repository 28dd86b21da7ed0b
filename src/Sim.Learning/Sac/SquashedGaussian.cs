using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>The math of SAC's tanh-squashed Gaussian policy: log-std rescaling, reparameterised sampling and the
/// change-of-variables correction of the log-probability.</summary>
/// <remarks>
/// An action is <c>a = tanh(u)·scale + bias</c> with <c>u = μ + σ·ε</c>, <c>ε ~ N(0, I)</c>, so it always lies inside the
/// Box <c>[bias − scale, bias + scale]</c>. Its density follows from the change of variables:
/// <c>log π(a) = Σ_i [log N(u_i; μ_i, σ_i) − log(scale_i·(1 − tanh²(u_i)) + ε)]</c>, where the small ε (1e-6, as CleanRL)
/// keeps the log finite when tanh saturates.
/// </remarks>
public static class SquashedGaussian
{
    /// <summary>Smallest log-std (CleanRL's LOG_STD_MIN).</summary>
    public const double LogStdMin = -5;

    /// <summary>Largest log-std (CleanRL's LOG_STD_MAX).</summary>
    public const double LogStdMax = 2;

    /// <summary>Added inside the log of the squashing correction so that it stays finite where tanh saturates.</summary>
    public const double Epsilon = 1e-6;

    // Scalars that libtorch reads are kept for the process's lifetime: see TorchScalars.
    private static readonly Scalar HalfLogTwoPi = (0.5 * Math.Log(2 * Math.PI)).ToScalar();
    private static readonly Scalar LogStdHalfRange = (0.5 * (LogStdMax - LogStdMin)).ToScalar();
    private static readonly Scalar LogStdLowest = LogStdMin.ToScalar();
    private static readonly Scalar EpsilonScalar = Epsilon.ToScalar();

    /// <summary>Maps an unbounded network output to a log-std in [<see cref="LogStdMin"/>, <see cref="LogStdMax"/>] through tanh,
    /// which, unlike clamping, keeps a gradient everywhere.</summary>
    public static Tensor RescaleLogStd(Tensor raw)
    {
        using var squashed = raw.tanh();
        using var shifted = squashed.add(One, One);
        using var stretched = shifted.mul(LogStdHalfRange);
        return stretched.add(LogStdLowest, One);
    }

    /// <summary>Reparameterised actions and their log-probabilities from given standard-normal <paramref name="noise"/>.</summary>
    /// <param name="mean">Gaussian means μ before squashing, <c>[batch, dims]</c>.</param>
    /// <param name="logStd">Log standard deviations, <c>[batch, dims]</c>.</param>
    /// <param name="noise">ε ~ N(0, I), <c>[batch, dims]</c>.</param>
    /// <param name="scale">Half the Box's width per dimension, <c>[dims]</c>.</param>
    /// <param name="bias">The Box's centre per dimension, <c>[dims]</c>.</param>
    /// <returns>Actions <c>[batch, dims]</c> inside the Box and log π(a) <c>[batch]</c>, both differentiable in μ and log σ.</returns>
    public static (Tensor Actions, Tensor LogProbs) Sample(Tensor mean, Tensor logStd, Tensor noise, Tensor scale, Tensor bias)
    {
        using var std = logStd.exp();
        using var spread = std * noise;
        using var u = mean.add(spread, One);
        using var y = u.tanh();
        using var scaled = y * scale;
        var actions = scaled.add(bias, One);
        // (u − μ)/σ is ε itself, so the Gaussian log-density needs no division (and has the same gradients).
        using var square = noise.pow(Two);
        using var half = square.mul(MinusOneHalf);
        using var centred = half - logStd;
        using var gaussian = centred.sub(HalfLogTwoPi);
        using var ySquare = y.pow(Two);
        using var minusYSquare = ySquare.neg();
        using var oneMinus = minusYSquare.add(One, One);
        using var jacobian = oneMinus * scale;
        using var shifted = jacobian.add(EpsilonScalar, One);
        using var correction = shifted.log();
        using var perDim = gaussian - correction;
        return (actions, perDim.sum(-1));
    }

    /// <summary>The action at the Gaussian's mean, <c>tanh(μ)·scale + bias</c>: the deterministic policy used for evaluation.</summary>
    public static Tensor MeanAction(Tensor mean, Tensor scale, Tensor bias)
    {
        using var y = mean.tanh();
        using var scaled = y * scale;
        return scaled.add(bias, One);
    }
}
