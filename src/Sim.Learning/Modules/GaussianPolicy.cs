using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Learning.Modules;

/// <summary>A diagonal Gaussian policy with a state-independent log-std, for <see cref="Sim.Core.Spaces.Box"/> action spaces.</summary>
/// <remarks>The log-std is a free parameter rather than a network output, as in CleanRL's continuous PPO:
/// exploration then shrinks only as fast as the gradient asks for, independent of the state.</remarks>
public sealed class GaussianPolicy : StochasticPolicy
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    // Scalars that libtorch reads are kept for the process's lifetime: see TorchScalars.
    private static readonly Scalar HalfLogTwoPiScalar = HalfLogTwoPi.ToScalar();
    private static readonly Scalar EntropyPerDimOffset = (0.5 + HalfLogTwoPi).ToScalar();

    private readonly TanhMlp _mean;
    private readonly Parameter _logStd;
    private readonly int _actionSize;

    /// <summary>A policy over <paramref name="actionSize"/>-dim actions with every log-std starting at <paramref name="initialLogStd"/>.</summary>
    public GaussianPolicy(int observationSize, int actionSize, int hidden, double initialLogStd, Generator generator) : base("gaussian_policy")
    {
        if (actionSize < 1) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, $"actionSize = {actionSize}: expected at least 1");
        _actionSize = actionSize;
        _mean = new TanhMlp("mean", observationSize, hidden, actionSize, 0.01, generator);
        using var initial = initialLogStd.ToScalar();
        _logStd = new Parameter(full(new long[] { 1, actionSize }, initial, ScalarType.Float32));
        RegisterComponents();
    }

    public override int ActionSize => _actionSize;

    /// <summary>The log standard deviations <c>[1, ActionSize]</c>.</summary>
    public Tensor LogStd => _logStd;

    /// <summary>Action means <c>[batch, ActionSize]</c>.</summary>
    public override Tensor forward(Tensor observations) => _mean.forward(observations);

    public override Tensor Mode(Tensor observations) => forward(observations);

    public override (Tensor Actions, Tensor LogProbs) Sample(Tensor observations, Generator generator)
    {
        using var mean = forward(observations);
        using var std = _logStd.exp();
        using var noise = randn(mean.shape, dtype: mean.dtype, device: mean.device, generator: generator);
        using var scaled = noise * std;
        var actions = mean.add(scaled, One);
        // (a − μ)/σ is the drawn noise itself, so the log-density needs no division.
        using var square = noise.pow(Two);
        using var half = square.mul(MinusOneHalf);
        using var centred = half - _logStd;
        using var perDim = centred.sub(HalfLogTwoPiScalar);
        return (actions, perDim.sum(-1));
    }

    public override (Tensor LogProbs, Tensor Entropies) Evaluate(Tensor observations, Tensor actions)
    {
        using var mean = forward(observations);
        using var std = _logStd.exp();
        using var diff = actions - mean;
        using var z = diff / std;
        using var square = z.pow(Two);
        using var half = square.mul(MinusOneHalf);
        using var centred = half - _logStd;
        using var perDim = centred.sub(HalfLogTwoPiScalar);
        // Entropy of N(μ, σ²) is ½ + ½ log 2π + log σ per dimension, the same for every state.
        using var entropyPerDim = _logStd.add(EntropyPerDimOffset, One);
        using var entropy = entropyPerDim.sum(-1);
        return (perDim.sum(-1), entropy.expand(mean.shape[0]).contiguous());
    }
}
