using Sim.Core.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>SAC's policy: a ReLU MLP giving the mean and log-std of a Gaussian whose samples are squashed by tanh and
/// rescaled into the action Box (see <see cref="SquashedGaussian"/>).</summary>
public sealed class SacActor : nn.Module<Tensor, (Tensor Mean, Tensor LogStd)>
{
    private readonly ReluMlp _body;
    private readonly int _actionSize;
    // Buffers, so that they follow the module to its device.
    private readonly Tensor _actionScale;
    private readonly Tensor _actionBias;

    /// <summary>A policy over <paramref name="observationSize"/> inputs for actions inside <paramref name="actionSpace"/>,
    /// whose bounds must be finite.</summary>
    public SacActor(int observationSize, Box actionSpace, int hidden, Generator generator) : base("sac_actor")
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, $"observationSize = {observationSize}: expected at least 1");
        _actionSize = actionSpace.FlatSize;
        var scale = new float[_actionSize];
        var bias = new float[_actionSize];
        var low = actionSpace.Low;
        var high = actionSpace.High;
        for (int i = 0; i < _actionSize; i++)
        {
            if (!float.IsFinite(low[i]) || !float.IsFinite(high[i]) || !(high[i] > low[i]))
                throw new ArgumentException($"action bound {i} is [{low[i]}, {high[i]}]: a squashed policy needs finite bounds with low < high", nameof(actionSpace));
            scale[i] = (high[i] - low[i]) / 2f;
            bias[i] = (high[i] + low[i]) / 2f;
        }
        // Mean and log-std heads are one layer of 2·|A| outputs: PyTorch's default init depends only on fan-in,
        // so this is distributed exactly like CleanRL's two separate heads.
        _body = new ReluMlp("body", observationSize, hidden, 2 * _actionSize, generator);
        _actionScale = tensor(scale);
        _actionBias = tensor(bias);
        _actionScale.DetachFromDisposeScope();
        _actionBias.DetachFromDisposeScope();
        RegisterComponents();
    }

    /// <summary>Floats per action row.</summary>
    public int ActionSize => _actionSize;

    /// <summary>Half the Box's width per dimension, <c>[ActionSize]</c>.</summary>
    public Tensor ActionScale => _actionScale;

    /// <summary>The Box's centre per dimension, <c>[ActionSize]</c>.</summary>
    public Tensor ActionBias => _actionBias;

    /// <summary>Gaussian means (before squashing) and rescaled log-stds, each <c>[batch, ActionSize]</c>.</summary>
    public override (Tensor Mean, Tensor LogStd) forward(Tensor observations)
    {
        using var output = _body.forward(observations);
        var mean = output.narrow(1, 0, _actionSize);
        using var raw = output.narrow(1, _actionSize, _actionSize);
        return (mean, SquashedGaussian.RescaleLogStd(raw));
    }

    /// <summary>Draws reparameterised actions <c>[batch, ActionSize]</c> with their log-probabilities <c>[batch]</c>, using <paramref name="generator"/> for the noise.</summary>
    public (Tensor Actions, Tensor LogProbs) Sample(Tensor observations, Generator generator)
    {
        var (mean, logStd) = forward(observations);
        using (mean)
        using (logStd)
        {
            using var noise = randn(mean.shape, dtype: mean.dtype, device: mean.device, generator: generator);
            return SquashedGaussian.Sample(mean, logStd, noise, _actionScale, _actionBias);
        }
    }

    /// <summary>The deterministic action <c>tanh(μ)·scale + bias</c> for each observation, for evaluation.</summary>
    public Tensor MeanAction(Tensor observations)
    {
        var (mean, logStd) = forward(observations);
        using (mean)
        using (logStd)
            return SquashedGaussian.MeanAction(mean, _actionScale, _actionBias);
    }
}
