using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot.Dynamics;

/// <summary>Standardises states before the state encoder f_s: (s − mean) / √(var + ε) per observation dimension, with the
/// mean and variance fitted on the transitions of an auxiliary phase (<see cref="Fit"/>). Without it, dimensions of large
/// range (HalfCheetah's joint velocities, an order of magnitude above its angles) dominate f_s's first layer.</summary>
/// <remarks>The statistics are buffers, not parameters: no optimizer moves them, they are saved with the network, and
/// <see cref="DynamicsRewardEncoder.CopyEncodersFrom"/> copies them with the encoders. Until fitted they are 0 and 1,
/// which leaves states as they are.</remarks>
public sealed class StateStandardizer : nn.Module<Tensor, Tensor>
{
    /// <summary>Added to the variance so that a constant dimension is divided by √ε rather than 0.</summary>
    public const double Epsilon = 1e-8;

    private const string MeanName = "mean";
    private const string StdName = "std";

    /// <summary>Statistics for states of <paramref name="size"/> floats, at 0 and 1.</summary>
    public StateStandardizer(int size) : base(nameof(StateStandardizer))
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, $"size = {size}: expected at least 1 observation float");
        register_buffer(MeanName, zeros(size));
        register_buffer(StdName, ones(size));
    }

    /// <summary>The per-dimension mean subtracted, <c>[obs]</c>.</summary>
    public Tensor Mean => get_buffer(MeanName)!;

    /// <summary>The per-dimension √(var + ε) divided by, <c>[obs]</c>.</summary>
    public Tensor Std => get_buffer(StdName)!;

    /// <summary>Sets the statistics to those of the rows of <paramref name="states"/>, <c>[n, obs]</c> (population variance).</summary>
    public void Fit(Tensor states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.dim() != 2 || states.shape[1] != Mean.shape[0] || states.shape[0] < 1)
            throw new ArgumentException($"states [{string.Join(", ", states.shape)}]: expected [n ≥ 1, {Mean.shape[0]}]", nameof(states));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rows = states.to(Mean.device);
        Mean.copy_(rows.mean([0]));
        Std.copy_(rows.var(0, unbiased: false).add(Epsilon).sqrt());
    }

    /// <summary>(s − mean) / std, <c>[…, obs]</c> → <c>[…, obs]</c>.</summary>
    public override Tensor forward(Tensor states) => states.sub(Mean).div(Std);
}
